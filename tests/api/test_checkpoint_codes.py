"""Proof of presence: a scanned, signed checkpoint code records a qr check-in; forged, foreign and
retired-key codes are refused in both languages; without a code the check-in is manual."""
import dataclasses

from server.patrols import codes


def _checkin(auth, **body):
    """POST a clear check-in as guard1."""
    auth.login()
    return auth.post("/api/v1/checkins", json={"status": "clear", **body})


def test_a_scanned_code_records_a_qr_checkin_and_the_list_a_manual_one(ctx, auth):
    """The signed payload is accepted and recorded as method qr, with its key id."""
    code = codes.sign(ctx.settings, ctx.venue.id, "C1")
    scanned = _checkin(auth, checkpoint_id="C1", code=code)
    assert scanned.status_code == 201, scanned.get_json()
    data = scanned.get_json()["event"]["data"]
    assert data["method"] == "qr" and data["key_id"] == code.split(".")[2]
    listed = auth.post("/api/v1/checkins", json={"status": "clear", "checkpoint_id": "C1"})
    assert listed.get_json()["event"]["data"]["method"] == "manual"


def test_a_forged_code_is_refused_with_a_message_in_both_languages(ctx, auth):
    """Changing the checkpoint of a genuine code breaks its signature."""
    genuine = codes.sign(ctx.settings, ctx.venue.id, "C1").split(".")
    forged = ".".join([*genuine[:3], "C2", genuine[4]])
    answer = _checkin(auth, checkpoint_id="C2", code=forged)
    assert answer.status_code == 400
    assert "signature" in answer.get_json()["error"]["fields"]["code"]
    zh = auth.post("/api/v1/checkins", json={"status": "clear", "checkpoint_id": "C2", "code": forged},
                   headers={"Accept-Language": "zh-CN"})
    assert "签名不符" in zh.get_json()["error"]["fields"]["code"]
    assert not [e for e in ctx.store.scan_events() if e["type"] == "patrol.checkin"]


def test_a_code_of_another_venue_is_refused(ctx, auth):
    """The same key signing another venue's code does not make it ours."""
    other = codes.sign(ctx.settings, "other-venue", "C1")
    answer = _checkin(auth, checkpoint_id="C1", code=other)
    assert answer.status_code == 400
    assert "another venue" in answer.get_json()["error"]["fields"]["code"]


def test_after_rotation_old_codes_verify_until_their_key_is_retired(ctx, auth):
    """Rotate: old sheets keep working; retire: they are refused, the new ones accepted."""
    old = codes.sign(ctx.settings, ctx.venue.id, "E1")
    new_key = codes.rotate(ctx.settings)
    new = codes.sign(ctx.settings, ctx.venue.id, "E1")
    assert new.split(".")[2] == new_key["id"] != old.split(".")[2]
    assert _checkin(auth, checkpoint_id="E1", code=old).status_code == 201
    assert codes.retire(ctx.settings, old.split(".")[2])
    refused = auth.post("/api/v1/checkins", json={"status": "clear", "checkpoint_id": "E1", "code": old})
    assert refused.status_code == 400 and "retired" in refused.get_json()["error"]["fields"]["code"]
    assert auth.post("/api/v1/checkins", json={"status": "clear", "checkpoint_id": "E1",
                                               "code": new}).status_code == 201


def test_a_code_for_another_checkpoint_than_the_chosen_one_is_refused(ctx, auth):
    """A guard cannot scan one gate's code and check in at another."""
    answer = _checkin(auth, checkpoint_id="C2", code=codes.sign(ctx.settings, ctx.venue.id, "C1"))
    assert answer.status_code == 400 and "another checkpoint" in answer.get_json()["error"]["fields"]["code"]


def test_the_key_file_is_readable_by_its_owner_only(ctx):
    """The venue's signing secrets are kept like the data key (0600)."""
    codes.signing_key(ctx.settings)
    assert (ctx.settings.data_dir / codes.FILE).stat().st_mode & 0o777 == 0o600


def test_cli_prints_one_sheet_per_checkpoint_and_rotates_and_retires(runner, tmp_path):
    """`checkpoints qr` writes an A4 page per checkpoint; `keys rotate|retire` manage the keys."""
    import pypdfium2

    out = tmp_path / "sheet.pdf"
    status, text, err = runner("checkpoints", "qr", "--out", str(out))
    assert status == 0, err
    from server.venue import load_venue
    from support import VENUE
    venue = load_venue(VENUE)
    pdf = pypdfium2.PdfDocument(str(out))
    assert len(pdf) == len(venue.checkpoints)
    width, height = pdf[0].get_size()
    assert (round(width), round(height)) == (595, 842)  # A4 in points
    first = pdf[0].get_textpage().get_text_range()
    entrance = next(cp for cp in venue.checkpoints if cp.kind == "entrance")
    assert entrance.name["zh-CN"] in first and entrance.name["en"] in first
    status, text, _ = runner("checkpoints", "keys", "rotate")
    new_id = text.split()[3].rstrip(":")
    status, listing, _ = runner("checkpoints", "keys")
    assert listing.count("in use") == 2
    old_id = next(line.split()[0] for line in listing.splitlines() if not line.startswith(new_id))
    assert runner("checkpoints", "keys", "retire", old_id)[0] == 0
    assert "retired" in runner("checkpoints", "keys")[1]
    assert runner("checkpoints", "keys", "retire", "nope")[0] == 1
