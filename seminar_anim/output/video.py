"""How every video is encoded and finished: its encoder settings, colour, title and `moov` position."""

from __future__ import annotations

import os
from pathlib import Path

# Chosen by measurement (scripts/bench.py, docs/benchmarks.md): the same 1080p60 frames are
# 0.8x the size of x264 medium/CRF 23 for a small share more encoding time than ultrafast,
# whose files were about eight times larger.
X264_OPTIONS = {"preset": "veryfast", "crf": "23"}
# VP9 for WebM: constant quality (deadline "good" at speed 4; CRF 32 with no bitrate cap).
VP9_OPTIONS = {"crf": "32", "b": "0", "deadline": "good", "cpu-used": "4", "row-mt": "1"}
# Frames are converted from RGB with the BT.709 matrix to limited range, and tagged so: every
# player that honours the tags (browsers, VLC, QuickTime, YouTube) gives the theme's colours
# back, and one that guesses from the size (BT.709 from 720p up) guesses right in HD.
COLOUR_TAGS = {"color_primaries": "bt709", "color_trc": "bt709", "colorspace": "bt709", "color_range": "tv"}
MATRIX = "itu709"
RANGE = "MPEG"  # limited ("tv") range, as H.264 and VP9 players expect
# Muxer options of every MP4 and MOV: the index (`moov`) before the media, so a browser
# starts playing after the first bytes rather than after the whole file.
FASTSTART = {"movflags": "+faststart"}


def encoder_options(extension: str, transparent: bool) -> dict[str, str]:
    """Codec options for Manim's encoder: quality and speed, and the colour tags of YUV video."""
    if extension == "webm":
        return {**VP9_OPTIONS, **COLOUR_TAGS}
    if extension in ("mp4", "mov") and not transparent:
        return {**X264_OPTIONS, **COLOUR_TAGS}
    return {}


def finish_video(source: Path, target: Path, title: str) -> None:
    """Copy `source`'s packets into `target` with its `title` tag, and for MP4 and MOV the index
    first; nothing is re-encoded. `source` is removed."""
    import av

    options = FASTSTART if target.suffix in (".mp4", ".mov") else {}
    with av.open(str(source)) as inputs, av.open(str(target), "w", options=options) as output:
        output.metadata["title"] = title
        streams = {}
        for stream in inputs.streams:
            streams[stream.index] = output.add_stream_from_template(stream)
            # Stream tags carry meaning: WebM's alpha_mode=1 says the VP9 has an alpha channel.
            streams[stream.index].metadata.update(stream.metadata)
        for packet in inputs.demux():
            if packet.dts is None:
                continue  # the demuxer's flushing packet
            packet.stream = streams[packet.stream.index]
            output.mux(packet)
    os.remove(source)
