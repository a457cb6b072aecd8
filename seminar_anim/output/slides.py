"""Slide-deck outputs: a poster PNG per step (the last frame of its clip) and a slides.json index."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from seminar_anim.output.records import SectionEntry, Slide, SlidesIndex

SLIDES_INDEX = "slides.json"
SECTIONS_INDEX = "sections.json"


def last_frame(video: Path) -> Any:
    """The last frame of `video` as a PIL image, decoded (so exactly what the clip ends on).

    RGBA when the video carries alpha. FFmpeg's own VP9 decoder drops the alpha plane
    that WebM stores beside each frame; libvpx decodes it.
    """
    import av
    from PIL import Image

    with av.open(str(video)) as container:
        stream = container.streams.video[0]
        tags = {key.lower(): value for key, value in stream.metadata.items()}  # Matroska tags read back upper-case
        alpha = tags.get("alpha_mode") == "1" or stream.codec_context.pix_fmt in ("argb", "rgba", "yuva420p")
        decoder = av.CodecContext.create("libvpx-vp9", "r") if alpha and stream.codec_context.name == "vp9" else None
        last = None
        for packet in container.demux(stream):
            frames = decoder.decode(packet) if decoder is not None else packet.decode()
            for frame in frames:
                last = frame
    if last is None:
        raise RuntimeError(f"{video} holds no video frame")
    if alpha:
        return Image.fromarray(last.to_ndarray(format="rgba"), "RGBA")
    return last.to_image()


def write_slides(folder: Path, stem: str) -> list[Slide]:
    """Write sections/NN_step.png for each clip listed in sections/sections.json, and slides.json.

    Clips and posters keep the paths relative to `folder`, so the folder can be moved
    into a deck's assets as a whole.
    """
    sections = folder / "sections"
    index = sections / SECTIONS_INDEX
    if not index.exists():
        raise RuntimeError(f"{folder} has no sections/{SECTIONS_INDEX} to make slides from")
    slides = []
    for number, entry in enumerate(SectionEntry.read_all(index), start=1):
        clip = sections / entry.video
        poster = clip.with_suffix(".png")
        last_frame(clip).save(poster)
        slides.append(
            Slide(
                step=number,
                name=entry.name,
                clip=clip.relative_to(folder).as_posix(),
                poster=poster.relative_to(folder).as_posix(),
                duration=entry.duration,
            )
        )
    SlidesIndex(stem, slides).write(folder / SLIDES_INDEX)
    return slides
