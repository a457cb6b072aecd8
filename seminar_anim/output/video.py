"""How every video is encoded and finished: its encoder settings, colour, title and `moov` position."""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

# Chosen by measurement (scripts/bench.py --encoders, docs/benchmarks.md#encoders): x264's
# fastest preset with the three tools that matter for lecture frames, which mostly hold still:
# CABAC, B-frames and the macroblock tree; CRF 20, since at 23 flat areas came back up to 4
# levels off their colour at 1080p. Its files are about 1.4x the size of medium/CRF 23
# (ultrafast's were 2.5-3x) for a few percent more render time; medium costs about twice
# ultrafast's encoding, veryfast a fifth to a half more render time at 1080p60.
X264_OPTIONS = {
    "preset": "ultrafast",
    "crf": "20",
    "x264-params": "cabac=1:bframes=3:b-adapt=0:rc-lookahead=5:mbtree=1",
}
# Only scripts/bench.py sets this (JSON options), to time a render with another encoder.
X264_OVERRIDE = "SEMINAR_ANIM_X264_OPTIONS"
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
        chosen = json.loads(os.environ[X264_OVERRIDE]) if os.environ.get(X264_OVERRIDE) else X264_OPTIONS
        return {**chosen, **COLOUR_TAGS}
    return {}


def finish_video(source: Path, target: Path, title: str, track: Any = None) -> None:
    """Copy `source`'s packets into `target` with its `title` tag, and for MP4 and MOV the index
    first; no video is re-encoded. `track` (mono samples, seminar_anim.output.voice.RATE) is
    encoded as its sound (AAC, Opus in WebM). `source` is removed."""
    import av

    from seminar_anim.output.voice import audio_codec, encoded_track

    options = FASTSTART if target.suffix in (".mp4", ".mov") else {}
    with av.open(str(source)) as inputs, av.open(str(target), "w", options=options) as output:
        output.metadata["title"] = title
        streams = {}
        for stream in inputs.streams:
            streams[stream.index] = output.add_stream_from_template(stream)
            # Stream tags carry meaning: WebM's alpha_mode=1 says the VP9 has an alpha channel.
            streams[stream.index].metadata.update(stream.metadata)
        codec = audio_codec(target.suffix)
        sound = encoded_track(output, codec, track) if track is not None and codec is not None else []
        mux_interleaved(output, sound, inputs.demux(), lambda packet: streams[packet.stream.index])
    os.remove(source)


def mux_interleaved(output: Any, sound: list[Any], packets: Iterable[Any], stream_of: Callable[[Any], Any]) -> None:
    """Mux the copied `packets` (each into `stream_of(packet)`), with the encoded `sound`
    packets between them in time order: a player streaming the file reads both as it goes."""
    waiting = iter(sound)
    next_sound = next(waiting, None)
    for packet in packets:
        if packet.dts is None:
            continue  # the demuxer's flushing packet
        at = packet.dts * packet.time_base
        while next_sound is not None and next_sound.dts * next_sound.time_base <= at:
            output.mux(next_sound)
            next_sound = next(waiting, None)
        packet.stream = stream_of(packet)
        output.mux(packet)
    while next_sound is not None:
        output.mux(next_sound)
        next_sound = next(waiting, None)


def video_seconds(path: Path) -> float:
    """A video's length, from its first frame's start to its last frame's end."""
    return float(measure(path).seconds)


def packet_span(packets: Iterable[Any]) -> tuple[int, int]:
    """The first presentation time of the packets, and the time to the end of the last."""
    starts, ends = [], []
    for packet in packets:
        if packet.pts is None or packet.dts is None:
            continue
        starts.append(packet.pts)
        ends.append(packet.pts + (packet.duration or 0))
    if not starts:
        raise RuntimeError("the file holds no video")
    return min(starts), max(ends) - min(starts)


@dataclass(frozen=True)
class Clip:
    """One part's video, measured from its packets in its stream's time base."""

    path: Path
    signature: tuple[object, ...]  # what must match for packets to be joined without re-encoding
    time_base: Fraction
    start: int  # the first presentation timestamp
    length: int  # from the first frame's start to the last frame's end

    @property
    def seconds(self) -> Fraction:
        return self.length * self.time_base


def measure(video: Path) -> Clip:
    import av

    with av.open(str(video)) as container:
        stream = container.streams.video[0]
        codec = stream.codec_context
        assert stream.time_base is not None
        signature = (
            codec.name,
            codec.width,
            codec.height,
            codec.pix_fmt,
            str(stream.average_rate),
            str(stream.time_base),
            bytes(codec.extradata or b""),
        )
        start, length = packet_span(container.demux(stream))
    return Clip(video, signature, Fraction(stream.time_base), start, length)


def shifted_packets(clips: list[Clip]) -> Iterator[Any]:
    """Every part's video packets in order, each part shifted to start where the last ended."""
    import av

    offset = 0
    for clip in clips:
        with av.open(str(clip.path)) as source:
            shift = offset - clip.start
            for packet in source.demux(source.streams.video[0]):
                if packet.pts is None or packet.dts is None:
                    continue  # the demuxer's flushing packet
                packet.pts += shift
                packet.dts += shift
                yield packet
        offset += clip.length


def concatenate(videos: list[Path], target: Path) -> None:
    """One video of `videos` one after another, their packets copied (they must have been
    encoded alike, as the steps of one scene are): nothing is re-encoded."""
    import av

    clips = [measure(video) for video in videos]
    with av.open(str(target), "w") as output, av.open(str(videos[0])) as first:
        template = first.streams.video[0]
        stream = output.add_stream_from_template(template)
        stream.metadata.update(template.metadata)
        mux_interleaved(output, [], shifted_packets(clips), lambda _packet: stream)
