"""Every answer is nosniff; JSON answers are never cached; static assets keep their own caching."""
LOGIN = "/api/v1/auth/login"


def test_json_answers_are_not_cached_or_sniffed(client, auth, reader):
    for answer in (reader("/api/v1/venue"), client.get("/api/v1/venue"), client.get("/healthz"),
                   client.post(LOGIN, json={})):
        assert answer.mimetype == "application/json"
        assert answer.headers["Cache-Control"] == "no-store", answer.request.path
        assert answer.headers["X-Content-Type-Options"] == "nosniff", answer.request.path


def test_every_answer_is_nosniff_and_static_assets_keep_their_caching(client):
    asset = client.get("/static/js/api.js")
    assert asset.status_code == 200
    assert asset.headers["X-Content-Type-Options"] == "nosniff"
    assert "no-store" not in asset.headers.get("Cache-Control", "")
    for path in ("/login", "/metrics", "/sw.js"):
        assert client.get(path).headers["X-Content-Type-Options"] == "nosniff", path
