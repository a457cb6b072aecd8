"""A tiny lecture scene of three short steps, so render, slides, cache and course tests stay fast."""

from __future__ import annotations

from dataclasses import dataclass, fields
from importlib.metadata import version
from typing import Any

from manim import DOWN, LEFT, RIGHT, UP, FadeIn, Rotate, Square

from seminar_anim.app.catalogue import SceneSpec
from seminar_anim.model.manifest import Manifest
from seminar_anim.visual.lecture import LectureScene
from seminar_anim.visual.theme import Theme


@dataclass(frozen=True)
class TinyFacts:
    side: float


def tiny_facts(device: str = "auto", expr: str | None = None, at: tuple[str, ...] = ()) -> tuple[TinyFacts, Manifest]:
    """No PyTorch work: `--at side=VALUE` changes the one value the scene shows."""
    side = 2.0
    for item in at:
        name, _, value = item.partition("=")
        if name == "side":
            side = float(value)
    manifest = Manifest(scene="tiny", torch=version("torch"), device="cpu", dtype="float32", values={"side": side})
    return TinyFacts(side=side), manifest


class TinyScene(LectureScene):
    """Three steps of under a second each; each ends on a different, still frame."""

    def construct(self) -> None:
        facts: TinyFacts = self.facts or TinyFacts(side=2.0)
        square = Square(facts.side, color=self.theme.forward, fill_opacity=1).shift(2 * LEFT)
        self.step("one", "A square appears on the left.")
        self.play(FadeIn(square), run_time=0.4)
        self.wait(0.4)
        self.step("two", "It moves up and turns.")
        self.play(square.animate.shift(UP + 2 * RIGHT).set_color(self.theme.backward), run_time=0.4)
        self.wait(0.4)
        self.step("three", "It turns and moves down.")
        self.play(Rotate(square, 0.5), square.animate.shift(2 * DOWN), run_time=0.4)
        self.wait(0.6)


def tiny_spec(name: str = "tiny") -> SceneSpec:
    return SceneSpec(
        name=name, description="a square in three steps", facts=f"{__name__}:tiny_facts", scene=f"{__name__}:TinyScene"
    )


class BrokenScene(TinyScene):
    """Fails in its second step, after the first was encoded."""

    def wait(self, *args: Any, **kwargs: Any) -> None:
        if len(self.steps) > 1:
            raise RuntimeError("the tiny scene broke on purpose")
        super().wait(*args, **kwargs)


class LateScene(LectureScene):
    """One step that says its second sentence two seconds in, as the square starts to turn."""

    def construct(self) -> None:
        square = Square(1.0, color=self.theme.forward, fill_opacity=1)
        self.step("late", "A square fades in here.")
        self.play(FadeIn(square), run_time=2.0)
        self.say("Now it turns.")
        self.play(Rotate(square, 0.5), run_time=2.0)


LATE = SceneSpec(
    name="late", description="says a sentence late", facts=f"{__name__}:tiny_facts", scene=f"{__name__}:LateScene"
)


class QuickScene(LectureScene):
    """One step whose animation is over long before its sentence can be read."""

    def construct(self) -> None:
        self.step("quick", "A square fades in, far quicker than this sentence about it can be read.")
        self.play(FadeIn(Square(1.0, color=self.theme.forward, fill_opacity=1)), run_time=0.5)


QUICK = SceneSpec(
    name="quick", description="says more than it shows", facts=f"{__name__}:tiny_facts", scene=f"{__name__}:QuickScene"
)
BROKEN = SceneSpec(name="broken", description="fails", facts=f"{__name__}:tiny_facts", scene=f"{__name__}:BrokenScene")


def roles() -> list[str]:
    """The theme's role colours, the background first."""
    return [field.name for field in fields(Theme) if field.name not in ("name", "code_font")]


class SwatchScene(LectureScene):
    """One still step: a square of each role colour in a row, over the background."""

    def construct(self) -> None:
        self.step("swatches", "The theme's role colours.")
        colours = [getattr(self.theme, role) for role in roles()[1:]]
        for index, colour in enumerate(colours):
            square = Square(1.0, color=colour, fill_opacity=1, stroke_width=0)
            self.add(square.move_to(((index - (len(colours) - 1) / 2) * 1.15, 0, 0)))
        self.wait(0.2)


def swatch_spec() -> SceneSpec:
    return SceneSpec(
        name="swatches", description="role colours", facts=f"{__name__}:tiny_facts", scene=f"{__name__}:SwatchScene"
    )
