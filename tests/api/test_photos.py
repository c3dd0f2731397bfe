"""Photos: validated and re-encoded without metadata, capped per incident, served to staff only."""
import datetime as dt
import io
import struct
import uuid
import zlib

import pytest
from PIL import Image

from server import events as ev
from server.photos import service as photos
from server.photos.views import MAX_UPLOAD_BYTES

pytestmark = pytest.mark.usefixtures("quick_hashes")
REPORT = {"category": "medical", "location_id": "E1", "description": "a visitor fainted at the gate"}
GPS_IFD = 0x8825


def jpeg_with_gps(size=(640, 480)):
    """Return a JPEG carrying EXIF with a GPS position, an ICC profile and a comment."""
    image = Image.new("RGB", size, (200, 40, 40))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0112] = 6  # Orientation: rotate 90° to view upright
    exif.get_ifd(GPS_IFD).update({1: "N", 2: (31.0, 14.0, 2.0), 3: "E", 4: (121.0, 28.0, 5.0)})
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif, icc_profile=b"ICC-PROFILE-BYTES" * 4, comment=b"taken at gate 3")
    data = out.getvalue()
    assert b"Exif" in data and b"ICC_PROFILE" in data and b"taken at gate 3" in data
    return data


def png_bomb(width=60000, height=60000):
    """Return a tiny PNG whose header claims a huge image (a decompression bomb)."""
    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\0" * 100)) \
        + chunk(b"IEND", b"")


@pytest.fixture
def client_as(app, bearer):
    """Return a function making a test client with a role's bearer headers."""
    def make(role):
        headers = bearer(f"ph-{role}", role)
        client = app.test_client()

        def upload(path, data, key=None, name="photo.jpg"):
            return client.post(path, data={"file": (io.BytesIO(data), name)}, content_type="multipart/form-data",
                               headers={**headers, "Idempotency-Key": key or uuid.uuid4().hex})

        def post(path, body):
            return client.post(path, json=body, headers={**headers, "Idempotency-Key": uuid.uuid4().hex})
        upload.post = post
        upload.get = lambda path: client.get(path, headers=headers)
        return upload
    return make


def test_upload_answers_201_and_serves_an_upright_jpeg_without_any_metadata(client_as, ctx):
    guard = client_as("guard")
    answer = guard("/api/v1/photos", jpeg_with_gps())
    assert answer.status_code == 201, answer.get_json()
    photo = answer.get_json()["photo"]
    assert photo["media_type"] == "image/jpeg" and (photo["width"], photo["height"]) == (480, 640)
    stored = ctx.store.read_blob(photos.blob_key(ctx, photo["photo_id"]))
    assert len(stored) == photo["bytes"]
    for marker in (b"Exif", b"ICC_PROFILE", b"taken at gate 3", b"PhoneMaker", b"http://ns.adobe.com/xap"):
        assert marker not in stored
    image = Image.open(io.BytesIO(stored))
    assert image.format == "JPEG" and not image.getexif() and GPS_IFD not in image.getexif()
    assert "icc_profile" not in image.info

    served = client_as("operator").get(f"/api/v1/photos/{photo['photo_id']}")
    assert served.status_code == 200 and served.data == stored
    assert served.mimetype == "image/jpeg"
    assert served.headers["Cache-Control"] == "private, no-store"
    assert served.headers["X-Content-Type-Options"] == "nosniff"
    Image.open(io.BytesIO(served.data)).verify()


def test_large_images_are_cut_to_2560_on_the_long_edge(client_as):
    out = io.BytesIO()
    Image.new("RGB", (4000, 1000), (10, 120, 10)).save(out, "PNG")
    photo = client_as("guard")("/api/v1/photos", out.getvalue(), name="wide.png").get_json()["photo"]
    assert (photo["width"], photo["height"]) == (2560, 640)


@pytest.mark.parametrize("data,why", [(b"just some text, no picture\n" * 20, "JPEG"), (b"", "empty"),
                                      (b"GIF89a" + b"\0" * 200, "JPEG")])
def test_not_an_image_is_400_on_file_in_both_languages(client_as, app, bearer, data, why):
    answer = client_as("guard")("/api/v1/photos", data, name="notes.txt")
    assert answer.status_code == 400
    assert list(answer.get_json()["error"]["fields"]) == ["file"] and why in answer.get_json()["error"]["fields"]["file"]
    zh = app.test_client().post("/api/v1/photos", data={"file": (io.BytesIO(data), "a.txt")},
                                content_type="multipart/form-data",
                                headers={**bearer("ph-guard", "guard"), "Idempotency-Key": "k-zh",
                                         "Accept-Language": "zh-CN"})
    assert "照片" in zh.get_json()["error"]["message"]


def test_a_decompression_bomb_is_refused(client_as):
    answer = client_as("guard")("/api/v1/photos", png_bomb(), name="bomb.png")
    assert answer.status_code == 400
    assert "megapixels" in answer.get_json()["error"]["fields"]["file"]
    just_over = client_as("guard")("/api/v1/photos", png_bomb(8000, 5001), name="big.png")
    assert just_over.status_code == 400 and "megapixels" in just_over.get_json()["error"]["fields"]["file"]


def test_too_large_is_413(client_as):
    answer = client_as("guard")("/api/v1/photos", b"\xff\xd8" + b"x" * MAX_UPLOAD_BYTES, name="huge.jpg")
    assert answer.status_code == 413
    error = answer.get_json()["error"]
    assert error["code"] == "too_large"
    # The photo routes' own limit, not the app's 16 MB for other bodies.
    assert "10 MB (10,485,760 bytes)" in error["fields"]["body"] and "10 MB" in error["message"]


def test_idempotent_replay_answers_the_same_photo(client_as, ctx):
    guard = client_as("guard")
    first = guard("/api/v1/photos", jpeg_with_gps(), key="photo-key-1")
    again = guard("/api/v1/photos", jpeg_with_gps(), key="photo-key-1")
    assert first.status_code == again.status_code == 201
    assert again.headers.get("Idempotent-Replayed") == "true"
    assert again.get_json()["photo"]["photo_id"] == first.get_json()["photo"]["photo_id"]
    assert len(ctx.store.projection("photos")) == 1


def test_display_may_not_see_photos_and_unknown_is_404(client_as):
    photo_id = client_as("guard")("/api/v1/photos", jpeg_with_gps()).get_json()["photo"]["photo_id"]
    assert client_as("display").get(f"/api/v1/photos/{photo_id}").status_code == 403
    assert client_as("display")("/api/v1/photos", jpeg_with_gps()).status_code == 403
    assert client_as("guard").get(f"/api/v1/photos/{photo_id}").status_code == 200
    assert client_as("admin").get("/api/v1/photos/nope").status_code == 404


def test_report_with_photos_then_add_up_to_five(client_as, timeline):
    guard = client_as("guard")
    ids = [guard("/api/v1/photos", jpeg_with_gps()).get_json()["photo"]["photo_id"] for _ in range(3)]
    report = guard.post("/api/v1/incidents", {**REPORT, "photo_ids": ids[:2]})
    assert report.status_code == 201, report.get_json()
    incident = report.get_json()["incident"]
    assert incident["photos"] == ids[:2]
    path = f"/api/v1/incidents/{incident['incident_id']}/photos"
    added = guard.post(path, {"photo_ids": [ids[2]]})
    assert added.status_code == 201, added.get_json()
    assert added.get_json()["incident"]["photos"] == ids
    assert added.get_json()["event"]["type"] == "incident.photo_added"
    for _ in range(2):
        assert guard(path, jpeg_with_gps()).status_code == 201
    sixth = guard(path, jpeg_with_gps())
    assert sixth.status_code == 409 and sixth.get_json()["error"]["fields"]["photo_ids"] == "5"
    shown = guard.get(f"/api/v1/incidents/{incident['incident_id']}").get_json()
    assert len(shown["incident"]["photos"]) == 5
    assert [e["type"] for e in shown["events"]].count("incident.photo_added") == 3
    assert len(timeline("incident.photo_added")) == 3


def test_a_photo_is_attached_once_and_must_exist(client_as):
    guard = client_as("guard")
    photo_id = guard("/api/v1/photos", jpeg_with_gps()).get_json()["photo"]["photo_id"]
    assert guard.post("/api/v1/incidents", {**REPORT, "photo_ids": [photo_id]}).status_code == 201
    again = guard.post("/api/v1/incidents", {**REPORT, "photo_ids": [photo_id]})
    assert again.status_code == 409
    unknown = guard.post("/api/v1/incidents", {**REPORT, "photo_ids": ["no-such-photo"]})
    assert unknown.status_code == 400 and list(unknown.get_json()["error"]["fields"]) == ["photo_ids"]
    too_many = guard.post("/api/v1/incidents", {**REPORT, "photo_ids": [f"p{i}" for i in range(6)]})
    assert too_many.status_code == 400 and list(too_many.get_json()["error"]["fields"]) == ["photo_ids"]


def test_unattached_photos_are_discarded_after_a_day(client_as, ctx):
    guard = client_as("guard")
    kept = guard("/api/v1/photos", jpeg_with_gps()).get_json()["photo"]["photo_id"]
    lost = guard("/api/v1/photos", jpeg_with_gps()).get_json()["photo"]["photo_id"]
    assert guard.post("/api/v1/incidents", {**REPORT, "photo_ids": [kept]}).status_code == 201
    assert photos.discard_unattached(ctx, ev.utc_now() + dt.timedelta(hours=23)) == []
    assert photos.discard_unattached(ctx, ev.utc_now() + dt.timedelta(days=1, minutes=1)) == [lost]
    assert photos.missing(ctx, [kept, lost]) == [lost]
    assert ctx.store.read_blob(photos.blob_key(ctx, lost)) is None
    assert guard.get(f"/api/v1/photos/{lost}").status_code == 404
    assert guard.get(f"/api/v1/photos/{kept}").status_code == 200
    assert photos.discard_unattached(ctx, ev.utc_now() + dt.timedelta(days=3)) == []


def test_attaching_needs_photo_ids_or_a_file(client_as):
    guard = client_as("guard")
    incident_id = guard.post("/api/v1/incidents", REPORT).get_json()["incident"]["incident_id"]
    path = f"/api/v1/incidents/{incident_id}/photos"
    empty = guard.post(path, {})
    assert empty.status_code == 400 and list(empty.get_json()["error"]["fields"]) == ["photo_ids"]
    not_image = guard(path, b"hello", name="x.txt")
    assert not_image.status_code == 400 and list(not_image.get_json()["error"]["fields"]) == ["file"]
    assert guard.post("/api/v1/incidents/nope/photos", {"photo_ids": ["x"]}).status_code == 404
