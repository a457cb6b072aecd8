"""A real low-quality render through the CLI, and the promise that failures leave old files intact."""

from __future__ import annotations

import json
from pathlib import Path

import av
import pytest
import srt
from click.testing import CliRunner

from seminar_anim.app.catalogue import find_scene
from seminar_anim.app.cli import main
from seminar_anim.app.options import LessonOptions, RenderOptions
from seminar_anim.errors import OutputError
from seminar_anim.output.render import plan_render, render_scene
from tests.tiny_scene import LATE, QUICK


def video_seconds(path: Path) -> float:
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        assert stream.duration is not None and stream.time_base is not None
        return float(stream.duration * stream.time_base)


def test_render_writes_video_sections_subtitles_and_manifest(tmp_path: Path) -> None:
    folder = tmp_path / "tensors" / "480p15_dark"
    (folder / "sections").mkdir(parents=True)
    (folder / "sections" / "07_from_an_older_render.mp4").write_bytes(b"stale")
    result = CliRunner().invoke(main, ["render", "tensors", "--device", "cpu", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    written = [Path(line) for line in result.stdout.split()]
    assert folder / "tensors.mp4" in written
    assert all(path.exists() for path in written)
    assert "step 6 dimensions done" in result.stderr

    duration = video_seconds(folder / "tensors.mp4")
    assert 30 <= duration <= 120
    with av.open(str(folder / "tensors.mp4")) as video:
        first = next(video.decode(video=0)).to_ndarray(format="gray")
    assert first.std() > 10, "the first frame shows the scene's skeleton, not an empty background"

    sections = json.loads((folder / "sections" / "sections.json").read_text())
    assert [entry["name"] for entry in sections] == ["code", "scalar", "vector", "matrix", "tensor", "dimensions"]
    for number, entry in enumerate(sections, start=1):
        assert entry["video"] == f"tensors-{number:02d}-{entry['name']}.mp4"
        assert (folder / "sections" / entry["video"]).exists()
    assert sum(float(entry["duration"]) for entry in sections) == pytest.approx(duration, abs=0.2)

    cues = list(srt.parse((folder / "tensors.srt").read_text()))
    assert len(cues) >= len(sections)  # a long subtitle is split into cues that fit two lines
    assert cues[0].start.total_seconds() == 0
    assert cues[-1].end.total_seconds() <= duration + 0.2

    manifest = json.loads((folder / "tensors.manifest.json").read_text())
    shown = CliRunner().invoke(main, ["values", "tensors", "--device", "cpu", "--json"])
    assert manifest == json.loads(shown.stdout)
    assert not [path for path in (tmp_path / "tensors").iterdir() if path.name.startswith(".")]
    assert not (folder / "sections" / "07_from_an_older_render.mp4").exists()
    assert sorted(written) == sorted(path for path in folder.rglob("*") if path.is_file())


def test_a_failed_render_leaves_the_earlier_outputs_intact(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "autograd" / "480p15_dark"
    folder.mkdir(parents=True)
    (folder / "autograd.mp4").write_bytes(b"an earlier good render")
    (folder / "autograd.manifest.json").write_text("{}")

    from seminar_anim.scenes.autograd import AutogradScene

    def interrupted(self: AutogradScene, *args: object) -> None:
        raise KeyboardInterrupt

    # Interrupt at the seed, after two steps of video were already encoded.
    monkeypatch.setattr(AutogradScene, "seed", interrupted)
    result = CliRunner().invoke(main, ["render", "autograd", "--device", "cpu", "--out", str(tmp_path)])
    assert result.exit_code != 0
    assert (folder / "autograd.mp4").read_bytes() == b"an earlier good render"
    assert (folder / "autograd.manifest.json").read_text() == "{}"
    assert sorted(path.name for path in (tmp_path / "autograd").iterdir()) == ["480p15_dark"]
    assert sorted(path.name for path in folder.iterdir()) == ["autograd.manifest.json", "autograd.mp4"]


def test_output_plans() -> None:
    spec = find_scene("autograd")
    plain = plan_render(spec, RenderOptions())
    assert plain.primary == Path("media/autograd/480p15_dark/autograd.mp4")
    overlay = plan_render(spec, RenderOptions(quality="high", theme="light", transparent=True))
    assert overlay.primary == Path("media/autograd/1080p60_light_transparent_mov/autograd.mov")
    assert overlay.note is not None and "no alpha" in overlay.note
    webm = plan_render(spec, RenderOptions(format="webm", transparent=True))
    assert webm.primary == Path("media/autograd/480p15_dark_transparent_webm/autograd.webm")
    assert webm.note is None
    assert plan_render(spec, RenderOptions(format="png")).folder == Path("media/autograd/480p15_dark_png")
    with pytest.raises(OutputError, match="GIF"):
        plan_render(spec, RenderOptions(format="gif", transparent=True))


def test_gif_keeps_the_theme_colours_and_the_timing(tmp_path: Path) -> None:
    from PIL import Image

    from seminar_anim.output.render import _mp4_to_gif, _rgb
    from seminar_anim.visual.theme import THEMES

    theme = THEMES["dark"]
    source = tmp_path / "clip.mp4"
    with av.open(str(source), "w") as container:
        stream = container.add_stream("libx264", rate=15)
        stream.width, stream.height, stream.pix_fmt = 64, 32, "yuv420p"
        for index in range(30):
            image = Image.new("RGB", (64, 32), theme.background)
            image.paste(theme.forward if index < 15 else theme.backward, (8, 8, 56, 24))
            for packet in stream.encode(av.VideoFrame.from_image(image)):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    target = tmp_path / "clip.gif"
    _mp4_to_gif(source, target, "dark")
    delays, centres = [], []
    with Image.open(target) as gif:
        for index in range(getattr(gif, "n_frames", 1)):
            gif.seek(index)
            delays.append(gif.info["duration"])
            centres.append(gif.convert("RGB").getpixel((32, 16)))
    assert sum(delays) == 2000

    def distance(pixel: object, colour: str) -> int:
        assert isinstance(pixel, tuple)
        return sum(abs(a - b) for a, b in zip(pixel, _rgb(colour), strict=True))

    # The role colours survive (a palette fitted to the pixels turned them grey); the small
    # difference left is the MP4 source's own 4:2:0 colour shift.
    assert distance(centres[0], theme.forward) < 40
    assert distance(centres[-1], theme.backward) < 40


def test_one_call_renders_several_scenes_with_progress_per_scene(tmp_path: Path) -> None:
    names = ["inplace", "autograd-basics", "chain-rule"]
    result = CliRunner().invoke(main, ["render", *names, "--format", "png", "--device", "cpu", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    for index, name in enumerate(names, start=1):
        assert f"[{index}/3] {name}" in result.stderr
        poster = tmp_path / name / "480p15_dark_png" / f"{name}.png"
        assert str(poster) in result.stdout.split()
        manifest = json.loads((poster.parent / f"{name}.manifest.json").read_text())
        assert manifest["scene"] == name
    assert result.stderr.count("step 4") == 3


def test_each_process_compiles_typst_into_a_private_folder_and_shares_whole_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import seminar_anim.output.render as render

    shared = tmp_path / "typst"
    shared.mkdir()
    (shared / "old.svg").write_text("<svg/>")
    monkeypatch.setattr(render, "TYPST_CACHE", shared)
    with render._private_typst_cache() as private:
        assert private.parent == shared and (private / "old.svg").read_text() == "<svg/>"
        (private / "new.svg").write_text("<svg>new</svg>")
        (private / "new.typ").write_text("source")
        assert not (shared / "new.svg").exists()  # nobody else sees it while it is being written
    assert (shared / "new.svg").read_text() == "<svg>new</svg>"
    assert sorted(path.name for path in shared.iterdir()) == ["new.svg", "old.svg"]


def test_a_held_frame_is_converted_once_with_the_matrix_its_tags_name(tmp_path: Path) -> None:
    """A repeated frame gives as many frames, and a decoder that reads the tags gets its colour back."""
    from fractions import Fraction

    import numpy as np
    from manim._config.video_encoder import VideoEncoderSpec

    from seminar_anim.output.video import encoder_options
    from seminar_anim.visual.encoding import HeldFrameEncoder

    options = tuple(encoder_options("mp4", transparent=False).items())
    spec = VideoEncoderSpec("mp4", "libx264", "yuv420p", 64, 48, Fraction(15), options)
    pixels = np.zeros((48, 64, 4), dtype=np.uint8)
    pixels[..., :3] = (240, 180, 50)
    pixels[..., 3] = 255
    target = tmp_path / "held.mp4"
    encoder = HeldFrameEncoder(target=target, spec=spec)
    encoder.write_frame(pixels, repeat=6)
    encoder.finish()
    with av.open(str(target)) as container:
        decoded = [
            frame.reformat(format="rgb24", src_colorspace="itu709", src_color_range="MPEG").to_ndarray()
            for frame in container.decode(video=0)
        ]
    assert len(decoded) == 6
    assert all(np.abs(frame[24, 32].astype(int) - (240, 180, 50)).max() <= 3 for frame in decoded)


def test_a_sentence_said_mid_step_is_subtitled_from_when_it_is_said(tmp_path: Path) -> None:
    options = RenderOptions(out=tmp_path)
    render_scene(LATE, LessonOptions(device="cpu"), options, lambda _line: None)
    cues = list(srt.parse((plan_render(LATE, options).folder / "late.srt").read_text()))
    assert [cue.content for cue in cues] == ["A square fades in here.", "Now it turns."]
    assert cues[0].start.total_seconds() == 0
    assert cues[1].start.total_seconds() == pytest.approx(2.0, abs=0.1)  # not shared out over the step


def test_a_silent_step_lasts_until_its_sentence_can_be_read(tmp_path: Path) -> None:
    from seminar_anim.visual.captions import reading_seconds

    options = RenderOptions(out=tmp_path)
    render_scene(QUICK, LessonOptions(device="cpu"), options, lambda _line: None)
    folder = plan_render(QUICK, options).folder
    cues = list(srt.parse((folder / "quick.srt").read_text()))
    sentence = " ".join(cue.content for cue in cues)
    # The animation took half a second; the step holds until the sentence's cues can be read.
    assert cues[-1].end.total_seconds() == pytest.approx(reading_seconds(sentence), abs=0.1)
    with av.open(str(folder / "quick.mp4")) as container:
        assert container.duration is not None and container.duration / av.time_base >= reading_seconds(sentence) - 0.1
