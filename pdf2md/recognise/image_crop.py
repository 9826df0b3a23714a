"""The image-crop recogniser (``image-crop``): a region rendered to an image file and linked.

Used for figures, and as the last resort for equations and tables that no recogniser could
read. Without an asset sink (``--no-images``) it cannot answer and returns ``None``.
"""

from __future__ import annotations

from collections.abc import Sequence

from pdf2md.backend import BackendContext, RegionCrop, asset_name
from pdf2md.model import Content

VERSION = "1"


class ImageCropRecogniser:
    """Recogniser ``image-crop``."""

    name = "image-crop"

    def __init__(self, context: BackendContext) -> None:
        self.context = context

    def load(self) -> None:
        """Nothing to load."""

    def recognise(self, crops: Sequence[RegionCrop]) -> list[Content | None]:
        """Render each crop to a file; ``None`` for all where images are off."""
        settings = self.context.profile.images
        if not settings.enabled:
            return [None] * len(crops)
        out: list[Content | None] = []
        for crop in crops:
            region = crop.region
            sink = crop.assets
            if sink is None or region.bbox.width < 1 or region.bbox.height < 1:
                out.append(None)
                continue
            data = crop.page.render_png(region.bbox, dpi=settings.dpi)
            link = sink.save(asset_name(region, region.kind.value), data)
            out.append(
                Content(
                    region_id=region.id,
                    text=f"![{region.kind.value}]({link})",
                    recogniser=f"{self.name}@{VERSION}",
                    method="image",
                    asset=link,
                )
            )
        return out
