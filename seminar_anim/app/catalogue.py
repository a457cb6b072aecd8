"""The scene catalogue in seminar order; importing it loads neither torch nor manim."""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from seminar_anim.app.options import LessonOptions
from seminar_anim.errors import UnknownSceneError
from seminar_anim.model.manifest import Manifest


@dataclass(frozen=True)
class SceneSpec:
    """One lecture topic: its CLI name, what it teaches, and where its model and scene live."""

    name: str
    description: str
    facts: str  # "module:function" returning (facts for the scene, Manifest)
    scene: str  # "module:Class"
    takes_expression: bool = False
    title: str = ""  # the chapter title in the course video; by default the name, capitalised
    source: str = ""  # a user's file, for a snippet scene: its facts function takes the path

    @property
    def chapter(self) -> str:
        return self.title or self.name.replace("-", " ").capitalize()

    def compute(self, lesson: LessonOptions) -> tuple[Any, Manifest]:
        """Run the scene's model: the facts it draws and their manifest."""
        compute = _load(self.facts)
        if self.source:
            return compute(self.source, device=lesson.device)
        facts, manifest = compute(device=lesson.device, expr=lesson.expr, at=lesson.at)
        return facts, manifest

    def load_scene(self) -> Any:
        return _load(self.scene)


def _load(target: str) -> Any:
    module, _, attribute = target.partition(":")
    return getattr(importlib.import_module(module), attribute)


SCENES: tuple[SceneSpec, ...] = (
    SceneSpec(
        name="data",
        title="Representing data",
        description="an image, a sampled sound and 'today is a beautiful day' over a vocabulary, as tensors",
        facts="seminar_anim.model.basics:data_facts",
        scene="seminar_anim.scenes.data:DataScene",
    ),
    SceneSpec(
        name="tensors",
        title="Tensors",
        description="scalar, vector, matrix, 3-d tensor: tensors are multi-dimensional arrays, with dim() and shape",
        facts="seminar_anim.model.basics:tensors_facts",
        scene="seminar_anim.scenes.tensors:TensorsScene",
    ),
    SceneSpec(
        name="memory",
        title="Lists and tensors in memory",
        description="a Python list of boxed objects (sys.getsizeof) against one block of 4-byte floats",
        facts="seminar_anim.model.memory:memory_facts",
        scene="seminar_anim.scenes.memory:MemoryScene",
    ),
    SceneSpec(
        name="indexing",
        title="Indexing and slicing",
        description="x[0], x[:3], x[3:], x[3:5] and the 2-d slices: windows on one storage, offsets and strides",
        facts="seminar_anim.model.memory:indexing_facts",
        scene="seminar_anim.scenes.indexing:IndexingScene",
    ),
    SceneSpec(
        name="dtypes",
        title="Data types",
        description="float32, float64, int8, uint8, bool and their bytes; .type(torch.uint8); narrowing; boolean masks",
        facts="seminar_anim.model.basics:dtypes_facts",
        scene="seminar_anim.scenes.dtypes:DtypesScene",
    ),
    SceneSpec(
        name="operations",
        title="Tensor operations",
        description="ones, zeros, zeros_like, t(); abs, mean, a + c, a * c, torch.mm shapes, broadcasting",
        facts="seminar_anim.model.basics:operations_facts",
        scene="seminar_anim.scenes.operations:OperationsScene",
    ),
    SceneSpec(
        name="storage",
        title="Tensor storage",
        description="one storage, many views: a[1], reshape, stride(), a stride walk, t() is not contiguous",
        facts="seminar_anim.model.memory:storage_facts",
        scene="seminar_anim.scenes.storage:StorageScene",
    ),
    SceneSpec(
        name="inplace",
        title="In-place operations",
        description="a.zero_() writes into the storage that the view a[0] shares; a + 1 makes a new block",
        facts="seminar_anim.model.memory:inplace_facts",
        scene="seminar_anim.scenes.inplace:InplaceScene",
    ),
    SceneSpec(
        name="devices",
        title="Moving tensors to the GPU",
        description="every tensor's device; .to('cuda'), .cuda(), .cpu() copy between memories; one device per op",
        facts="seminar_anim.model.devices:devices_facts",
        scene="seminar_anim.scenes.devices:DevicesScene",
    ),
    SceneSpec(
        name="serialization",
        title="Saving and loading tensors",
        description="torch.save / torch.load: file size, the zip archive inside; a saved view keeps all its storage",
        facts="seminar_anim.model.devices:serialization_facts",
        scene="seminar_anim.scenes.serialization:SerializationScene",
    ),
    SceneSpec(
        name="autograd-basics",
        title="Autograd basics",
        description="y = x**2 at x = 3: requires_grad, the graph PyTorch records, backward(), x.grad None then 6",
        facts="seminar_anim.model.lectures:basics_facts",
        scene="seminar_anim.scenes.autograd_basics:AutogradBasicsScene",
    ),
    SceneSpec(
        name="accumulation",
        title="Gradients accumulate",
        description="backward() adds into .grad: 6, 12, 18, 24; x.grad.zero_(); x * x sums two paths",
        facts="seminar_anim.model.lectures:accumulation_facts",
        scene="seminar_anim.scenes.accumulation:AccumulationScene",
    ),
    SceneSpec(
        name="chain-rule",
        title="The chain rule",
        description="h = log(x**2) at x = 3: dh/dx = dh/du * du/dx = 0.6667, checked against x.grad",
        facts="seminar_anim.model.lectures:chain_rule_facts",
        scene="seminar_anim.scenes.chain_rule:ChainRuleScene",
    ),
    SceneSpec(
        name="autograd",
        title="Autograd: f = log(w·x + b)",
        description="f = log(w*x + b) at x=2, w=0.5, b=1.5: graph, forward, backward to w.grad (or any --expr)",
        facts="seminar_anim.model.autograd:autograd_facts",
        scene="seminar_anim.scenes.autograd:AutogradScene",
        takes_expression=True,
    ),
)


def find_scene(name: str) -> SceneSpec:
    """A built-in scene by name, or a user's Python file by its path (anything ending in .py)."""
    if name.endswith(".py"):
        return snippet_spec(Path(name))
    for spec in SCENES:
        if spec.name == name:
            return spec
    raise UnknownSceneError(
        f"unknown scene {name!r}; the scenes are: {', '.join(s.name for s in SCENES)}, or give a path to a .py file"
    )


def snippet_spec(path: Path) -> SceneSpec:
    """A user's file as a scene: named after the file, its code run by the snippet engine."""
    from seminar_anim.model.user import read_snippet, scene_name

    read_snippet(path)  # not found, not UTF-8, too long: one line now, before anything renders
    return SceneSpec(
        name=scene_name(path),
        title=path.name,
        description=f"your code: {path}",
        facts="seminar_anim.model.user:snippet_facts",
        scene="seminar_anim.scenes.snippet:SnippetScene",
        source=str(path.resolve()),
    )
