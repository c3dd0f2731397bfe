"""Photo validation and re-encoding with Pillow (pure: bytes in, clean JPEG bytes out).

What a phone sends may carry the guard's position (EXIF GPS), the device's serial, an ICC
profile or XMP; none of it is needed to see what happened, so every metadata block is dropped
by drawing the pixels onto a fresh image and encoding only those.

Memory: a 40-megapixel upload decodes to ~120 MB, so the pixels are cut to the stored size
before anything copies them: a JPEG decodes straight at 1/2, 1/4 or 1/8 scale (`draft`), other
formats are scaled in place first and turned upright and flattened afterwards. Callers run
`cleaned` through server/offload.py, which bounds how many decode at once.
"""
import io

from PIL import Image, ImageOps, UnidentifiedImageError

from server.errors import InvalidInput, Text

ACCEPTED = ("JPEG", "PNG", "WEBP")
MAX_PIXELS = 40_000_000  # 40 MP: a 2026 phone's largest sensor mode fits; a bomb does not
MAX_EDGE = 2560  # long edge kept: enough to read a plate or a face at the gate
QUALITY = 85
MEDIA_TYPE = "image/jpeg"
# Pillow's own guard, at our limit (it warns above it and refuses above twice it).
Image.MAX_IMAGE_PIXELS = MAX_PIXELS
# Pixels in 64 MB blocks (Pillow's default is 16 MB): above glibc's largest mmap threshold, so a
# decoded upload's memory goes back to the system when it is freed instead of staying in a
# worker thread's malloc arena (four 40 MP uploads left 560 MB resident, 64 MB blocks 320 MB).
Image.core.set_block_size(64 * 1024 * 1024)
# Modes Pillow scales well as they are; the others (palettes, 1-bit, 16-bit) are flattened first.
SCALABLE = ("RGB", "RGBA", "L", "LA", "CMYK", "YCbCr")


def _refused(en, zh):
    """Return the 400 naming the file field."""
    return InvalidInput(Text(f"The photo was refused: {en}.", f"照片未被接受：{zh}。"),
                        fields={"file": Text(en, zh)})


def _opened(data):
    """Open and verify an image's structure; raise a 400 when it is none we take."""
    try:
        probe = Image.open(io.BytesIO(data), formats=ACCEPTED)
        if probe.width * probe.height > MAX_PIXELS:
            raise Image.DecompressionBombError("too many pixels")
        probe.verify()  # checks the structure; the image must be opened again to be used
        image = Image.open(io.BytesIO(data), formats=ACCEPTED)
        image.draft(None, _stored_size(image.size))  # JPEG only: decode smaller, never below it
        image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _refused(f"more than {MAX_PIXELS // 1_000_000} megapixels",
                       f"像素超过 {MAX_PIXELS // 1_000_000} 百万") from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError, TypeError):
        raise _refused("not a JPEG, PNG or WebP image", "不是 JPEG、PNG 或 WebP 图片") from None
    return image


def _stored_size(size):
    """Return the size an image of `size` is stored at: the long edge cut to MAX_EDGE."""
    width, height = size
    scale = min(1.0, MAX_EDGE / max(width, height, 1))
    return max(1, round(width * scale)), max(1, round(height * scale))


def _upright(image):
    """Return the image turned as its EXIF orientation says (as it is when the tag is broken)."""
    try:
        return ImageOps.exif_transpose(image)  # the orientation, applied before EXIF goes
    except (OSError, ValueError, SyntaxError, TypeError):
        return image


def _flattened(image):
    """Return the pixels as RGB, transparency laid on white."""
    if image.mode in ("RGBA", "LA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        ground = Image.new("RGB", rgba.size, (255, 255, 255))
        ground.paste(rgba, mask=rgba.getchannel("A"))
        return ground
    return image.convert("RGB")


def cleaned(data):
    """Return (jpeg bytes, width, height) of an uploaded image: upright, downscaled, no metadata."""
    if not data:
        raise _refused("the file is empty", "文件为空")
    image = _opened(data)
    if image.mode not in SCALABLE:
        image = _flattened(image)
    # In place and first: every copy below is of the stored size, not of the upload's. The box
    # is square, so scaling before turning upright gives the same size.
    # reducing_gap=1: a whole-pixel box reduction first, then Lanczos over at most twice the
    # stored size; half the CPU of Lanczos over the full upload, the same sharpness at 2560 px.
    image.thumbnail((MAX_EDGE, MAX_EDGE), Image.Resampling.LANCZOS, reducing_gap=1.0)
    pixels = _flattened(_upright(image))
    clean = Image.new("RGB", pixels.size)  # a fresh image: no info, no EXIF, no ICC, no XMP
    clean.paste(pixels)
    out = io.BytesIO()
    clean.save(out, "JPEG", quality=QUALITY, optimize=True)
    return out.getvalue(), clean.width, clean.height
