"""Video writing for lecture scenes: a held frame is converted for the encoder once, not per
frame, and with the colour matrix its tags name."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path
from typing import Any

import av
from manim.scene.scene_file_writer import SceneFileWriter
from manim.scene.video_segment_encoder import VideoSegmentEncoder

from seminar_anim.output.video import MATRIX, RANGE


class HeldFrameEncoder(VideoSegmentEncoder):
    """Manim's segment encoder, but a frame repeated `repeat` times (a wait) is converted from
    RGBA to the stream's pixel format once: at 1080p that conversion costs about 12 ms a frame,
    and lectures spend about half their time holding still."""

    def write_frame(self, pixels: Any, *, repeat: int = 1) -> None:
        self._validate_frame(pixels, repeat)
        time_base = Fraction(self.spec.frame_rate.denominator, self.spec.frame_rate.numerator)
        stream = self._stream
        assert isinstance(stream, av.VideoStream)
        try:
            frame = av.VideoFrame.from_ndarray(pixels, format="rgba")
            if self.spec.pixel_format.startswith("yuv"):
                # With the matrix and range the stream is tagged with (Manim's own conversion
                # uses BT.601 and tags nothing).
                frame = frame.reformat(format=self.spec.pixel_format, dst_colorspace=MATRIX, dst_color_range=RANGE)
            else:
                frame = frame.reformat(format=self.spec.pixel_format)
            for _ in range(repeat):
                frame.pts = self._next_pts
                frame.time_base = time_base
                self._next_pts += 1
                for packet in stream.encode(frame):
                    self._container.mux(packet)
        except BaseException as error:
            raise self._operation_error("encode", error) from error


class LectureFileWriter(SceneFileWriter):
    """Manim's file writer with the held-frame encoder, and a segment list that any path can be in."""

    @staticmethod
    def _concat_manifest_bytes(input_files: list[str]) -> bytes:
        """FFmpeg's concat list, each path in single quotes: Manim's own breaks on a path with an
        apostrophe ("John's Mac"), which must close the quotes, be escaped and reopen them."""
        lines = ["# This file records the segment order used by Manim.\n"]
        for path in input_files:
            quoted = Path(path).as_posix().replace("'", "'\\''")
            lines.append(f"file 'file:{quoted}'\n")
        return "".join(lines).encode("utf-8")

    def _create_segment_encoder(self, target: Path) -> VideoSegmentEncoder:
        encoder = self.video_encoder
        if encoder is None:
            raise RuntimeError("Video segment encoding requires resolved settings.")
        return HeldFrameEncoder(target=target, spec=encoder)
