"""Photos over HTTP: upload one (multipart), serve one to signed-in staff."""
from flask import Blueprint, current_app, request

from server.api.common import answered, gw
from server.api.shaping import viewer_of
from server.api.spec import operation
from server.errors import InvalidInput, Text
from server.photos import service
from server.photos.models import UPLOAD_FORM, PhotoAnswer

bp = Blueprint("photos", __name__, url_prefix="/api/v1")
MAX_UPLOAD_BYTES = 10 * 1024 * 1024  # a phone's full-size JPEG fits; the page sends ~0.5 MB
UPLOAD_ENDPOINTS = ("photos.upload", "incidents.add_photos")


@bp.before_app_request
def _limit_uploads():
    """Read at most MAX_UPLOAD_BYTES of a photo upload (413 beyond), before anything reads it."""
    if request.endpoint in UPLOAD_ENDPOINTS:
        request.max_content_length = MAX_UPLOAD_BYTES


def uploaded_file():
    """Return the bytes of the multipart `file` field, or raise 400 naming it."""
    if request.mimetype != "multipart/form-data":
        raise InvalidInput(Text("Send the photo as multipart/form-data in the field `file`.",
                                "请以 multipart/form-data 的 file 字段发送照片。"),
                           fields={"file": Text("expected a multipart file", "应为 multipart 文件")})
    sent = request.files.get("file")
    if sent is None:
        raise InvalidInput(Text("No photo was sent.", "没有发送照片。"),
                           fields={"file": Text("required", "必填")})
    return sent.read(MAX_UPLOAD_BYTES + 1)


@bp.post("/photos")
@operation("photos.upload", tag="photos", form=UPLOAD_FORM, answer=PhotoAnswer, status=201, creating=True)
def upload(user, idem):
    """Store a photo (JPEG, PNG or WebP; re-encoded as JPEG, metadata removed) for attaching later.

    Photos nobody attaches within a day are deleted. Larger than 10 MB → 413; more than
    40 megapixels or not an image → 400 on `file`. The long edge is cut to 2560 px.
    """
    return answered(service.upload(gw(), actor=user.actor(), data=uploaded_file(), idem=idem))


@bp.get("/photos/<photo_id>")
@operation("photos.read", tag="photos", media="image/jpeg", errors=(404,))
def show(user, photo_id):
    """Return a photo's bytes (never cached outside this browser).

    Staff read every photo; a guard those of records they may read (their reports and
    inspections, incidents and hazards assigned to them) and their own uploads; others are 404.
    """
    entry, data = service.photo_bytes(gw(), photo_id, viewer_of(user))
    response = current_app.response_class(data, mimetype=entry["media_type"])
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
