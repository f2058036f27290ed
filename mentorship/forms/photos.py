"""Profile photos: validated by decoding, then re-encoded so nothing the uploader
sent (metadata, trailing payloads, polyglot files) is ever served back."""

import io
import uuid

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_PHOTO_BYTES = 5 * 1024 * 1024
MAX_PHOTO_PIXELS = 40_000_000  # e.g. 8000 x 5000; larger is refused before decoding
OUTPUT_MAX_SIDE = 800
ALLOWED_FORMATS = {"JPEG", "PNG", "WEBP", "GIF"}

PHOTO_TOO_LARGE = "The photo is larger than 5 MB. Please choose a smaller file."
PHOTO_NOT_IMAGE = "That file is not a JPEG, PNG, WebP or GIF image we can read."
# One message whether we measured the size or Pillow refused it outright as a
# decompression bomb (it then gives no dimensions).
PHOTO_TOO_MANY_PIXELS = "The photo has more than 40 megapixels; please resize it (e.g. to 8000 × 5000) and try again."


def reencode_photo(uploaded) -> ContentFile:
    if uploaded.size is not None and uploaded.size > MAX_PHOTO_BYTES:
        raise ValidationError(PHOTO_TOO_LARGE, code="too_large")
    data = uploaded.read()
    if len(data) > MAX_PHOTO_BYTES:
        raise ValidationError(PHOTO_TOO_LARGE, code="too_large")
    try:
        with Image.open(io.BytesIO(data)) as probe:
            if probe.format not in ALLOWED_FORMATS:
                raise ValidationError(PHOTO_NOT_IMAGE, code="format")
            width, height = probe.size
            if width * height > MAX_PHOTO_PIXELS:
                raise ValidationError(PHOTO_TOO_MANY_PIXELS, code="too_many_pixels")
            probe.verify()
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            # Phones store the camera's rotation as EXIF, which re-encoding drops:
            # apply it first, or portraits come out lying on their side.
            image = ImageOps.exif_transpose(image).convert("RGB")
            image.thumbnail((OUTPUT_MAX_SIDE, OUTPUT_MAX_SIDE))
            out = io.BytesIO()
            image.save(out, format="JPEG", quality=85, optimize=True)
    except ValidationError:
        raise
    except Image.DecompressionBombError:
        raise ValidationError(PHOTO_TOO_MANY_PIXELS, code="too_many_pixels")
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise ValidationError(PHOTO_NOT_IMAGE, code="invalid")
    return ContentFile(out.getvalue(), name=f"{uuid.uuid4().hex}.jpg")
