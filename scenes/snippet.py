"""snippet: a lecturer's own PyTorch file, step by step: its code, its prints, its tensors' memory, its graph."""

import re

from manim import *

from seminar_anim.model.expr import typst_name
from seminar_anim.model.graph import TracedGraph
from seminar_anim.model.layouts import GridRecord, ViewLayout
from seminar_anim.model.records import StatementRecord
from seminar_anim.model.user import MemoryState, SnippetFacts, SnippetStep
from seminar_anim.visual.codegraph import CODE_BOX, GRAPH_AREA, SAFE_BOTTOM, STORAGE_LEFT, CodeGraphScene
from seminar_anim.visual.fades import FadeIn, FadeOut
from seminar_anim.visual.graph import GraphView
from seminar_anim.visual.labels import ValueLabel, code_text, plain_text
from seminar_anim.visual.layout import Box
from seminar_anim.visual.memory import CELL_WIDTH, MemoryBlock, StridedView
from seminar_anim.visual.tensor import ElidedRow, TensorGrid
from seminar_anim.visual.theme import SMALL_SIZE

MAX_BLOCKS = 2  # storages on screen at once; the least recently used leaves
MAX_CELLS = 7  # cells of a storage drawn; past them one cell of dots stands for the rest
MAX_GRID = 24  # elements of a tensor drawn as a grid; a larger one shows its first and last ones
MAX_COLUMNS = 7  # columns of a grid that fit the room at a legible size; a wider tensor shows a row
ELIDED_SHOWN = 5  # first elements of a big tensor drawn before the cell of dots and its last element
MAX_LINKS = 12  # grid cells joined to their storage cell by a line
COPY_CALL = re.compile(r"\.(to|cuda|cpu)\(")  # a call that copies a tensor to another device
BLOCK_PITCH = 1.7
FOCUS_TOP = GRAPH_AREA.top - MAX_BLOCKS * BLOCK_PITCH - 0.1
ROOM = GRAPH_AREA.width - 0.2  # the width a storage row or a tensor may take
SIDE_GAP = 0.4  # between a tensor's grid and its facts beside it
SNIPPET_CODE = Box(CODE_BOX.left, CODE_BOX.right, CODE_BOX.bottom - 0.6, CODE_BOX.top)


class SnippetScene(CodeGraphScene):
    """Each step runs one statement (or one # %% cell): the line lights up, what it printed
    appears, and the tensors it made or changed are drawn over the storage they share."""

    def construct(self) -> None:
        facts: SnippetFacts = self.facts
        theme = self.theme
        code, output = self.panels(facts.run.code, SAFE_BOTTOM, SNIPPET_CODE)
        self.blocks: dict[int, MemoryBlock] = {}  # by storage identity, oldest first
        self.focus: VGroup = VGroup()
        self.shown_graph: GraphView | None = None
        self.aside = False  # the code and output stepped aside for a graph as wide as the frame
        self.focused = ""

        self.step("code", f"{facts.name}: the code, run step by step by PyTorch.")
        self.play(FadeIn(self.title(facts.path.rsplit("/", 1)[-1])), FadeIn(code, shift=0.2 * RIGHT))
        self.add(output)
        if facts.gpu_mode:
            banner = VGroup(
                plain_text("GPU side:", theme.muted, SMALL_SIZE + 2),
                ValueLabel(facts.gpu_mode_key, facts.gpu_mode, theme.gpu, SMALL_SIZE + 4),
            ).arrange(RIGHT, buff=0.15)
            self.play(FadeIn(banner.move_to((GRAPH_AREA.right - 0.1, SAFE_BOTTOM + 0.35, 0), aligned_edge=RIGHT)))
        self.hold(2)

        previous: StatementRecord | None = None
        for step in facts.steps:
            self.step(step_name(step), step.narration(previous))
            for statement in step.statements:
                if not self.aside:
                    self.play(code.highlight(statement.lines[0]))
                last_graph = [record for record in step.statements if record.graphs][-1:]
                if step.graph is not None and last_graph and statement is last_graph[0]:
                    self.show_graph(step.graph, statement.graphs[-1].root, VGroup(code, output))
                elif self.shown_graph is None or touched(previous, statement):
                    if self.aside:
                        self.aside = False
                        self.play(FadeIn(code), FadeIn(output), FadeOut(self.strip))
                        self.strip = VGroup()
                        self.play(code.highlight(statement.lines[0]))
                    self.show_memory(MemoryState(statement), previous)
                shown: list[tuple[str, str | None]] = [(printed.text, None) for printed in statement.prints]
                if statement.display is not None:
                    shown.append((statement.display, theme.muted))
                if statement.error is not None:
                    shown.append((statement.error, theme.error))
                for text, color in shown:
                    if self.aside:
                        self.show_strip(code_text(text, theme, SMALL_SIZE + 8, color))
                    else:
                        self.print_text(output, text, color)
                previous = statement
            self.hold(1)

    def show_memory(self, state: MemoryState, previous: StatementRecord | None) -> None:
        """Every storage the step's tensors view, as a row of cells; the tensor it made or changed as a
        grid under them, with its window on the cells it reads."""
        theme = self.theme
        leaving: list[Mobject] = []
        if self.shown_graph is not None:
            leaving += self.shown_graph.drawn(self.get_mobject_family_members())
            self.shown_graph = None
        after = state.statement
        storages = state.storages
        views = state.views
        changed = [name for name in after.tensors if differs(previous, after, name)]
        focus = changed[-1] if changed else self.focused
        wanted = [ident for ident in self.blocks if ident in storages]
        for name in changed:
            ident = after.tensors[name].storage
            if ident in storages:
                if ident in wanted:
                    wanted.remove(ident)
                wanted.append(ident)
        wanted = wanted[-MAX_BLOCKS:]
        arriving: list[Animation] = []
        kept: dict[int, MemoryBlock] = {}
        copies: list[tuple[MemoryBlock, MemoryBlock]] = []
        shown = dict(self.blocks)
        for row, ident in enumerate(wanted):
            names = [name for name, tensor in after.tensors.items() if tensor.storage == ident]
            storage = after.storages[ident]
            color = theme.gpu if storage.device.startswith("cuda") else theme.storage
            title = (
                f"{', '.join(names)}: storage {ident}, {storage.dtype}, {storage.element_size} B each, {storage.device}"
            )
            block = MemoryBlock(storages[ident], theme, title, CELL_WIDTH * 0.8, MAX_CELLS, color)
            if block.width > ROOM:
                block.scale_to_fit_width(ROOM)
            block.move_to((GRAPH_AREA.left + 0.1, GRAPH_AREA.top - 0.05 - row * BLOCK_PITCH, 0), aligned_edge=UP + LEFT)
            if ident in self.blocks:
                arriving.append(ReplacementTransform(self.blocks.pop(ident), block))
            elif (source := self.copied_from(after, ident, shown)) is not None:
                copies.append((source, block))
            else:
                arriving.append(FadeIn(block, shift=0.2 * DOWN))
            kept[ident] = block
        if copies:  # the old tensor leaves first, clearing the copy's way
            self.play(FadeOut(self.focus))
            self.focus = VGroup()
        for source, block in copies:
            self.travel(source, block)
        leaving += list(self.blocks.values())
        self.blocks = kept
        new_focus = VGroup()
        grids = state.grids
        if focus in views and after.tensors[focus].storage in kept:
            new_focus = self.focus_group(grids[focus], views[focus], kept[after.tensors[focus].storage])
        elif focus in grids:
            new_focus = self.focus_group(grids[focus], None, None)
        leaving.append(self.focus)
        self.focus, self.focused = new_focus, focus
        self.play(*(FadeOut(mobject) for mobject in leaving), *arriving, FadeIn(new_focus))

    @staticmethod
    def copied_from(after: StatementRecord, ident: int, shown: dict[int, MemoryBlock]) -> MemoryBlock | None:
        """The block of `shown` that `.to()`, `.cuda()` or `.cpu()` copied into the new storage
        `ident`: one on the other device, holding the same values if one does."""
        if not COPY_CALL.search(after.source):
            return None
        storages = after.storages
        others = [
            (other, block)
            for other, block in shown.items()
            if other in storages and storages[other].device != storages[ident].device
        ]
        same = [block for other, block in others if storages[other].values == storages[ident].values]
        candidates = same or [block for _, block in others]
        return candidates[0] if candidates else None

    def travel(self, source: MemoryBlock, target: MemoryBlock) -> None:
        """A copy over the bus, as in the devices scene: the values leave their block, run along
        the bus at the right of the blocks, and land in the new block on the other device."""
        theme = self.theme
        bus_x = GRAPH_AREA.right - 0.15
        top, bottom = source.cells.get_center()[1], target.cells.get_center()[1]
        bus = VGroup(
            *(Line((bus_x - dx, top, 0), (bus_x - dx, bottom, 0), color=theme.muted, stroke_width=2) for dx in (0, 0.1))
        )
        bus.add(plain_text("bus", theme.muted, SMALL_SIZE).next_to(bus, LEFT, buff=0.1))
        moving = VGroup(source.cells, *source.values).copy()
        lane = bus_x - 0.6 - moving.width / 2  # the row's centre while its right edge runs beside the bus
        route = [moving.get_center(), (lane, top, 0), (lane, bottom, 0), target.cells.get_center()]
        path = VMobject().set_points_as_corners([np.array(point, dtype=float) for point in route])
        self.play(Create(bus), run_time=0.4)
        self.play(MoveAlongPath(moving, path), run_time=1.5)
        self.remove(moving)
        self.play(FadeIn(target), FadeOut(bus))

    def focus_group(self, grid: GridRecord, view: ViewLayout | None, block: MemoryBlock | None) -> VGroup:
        """One tensor: its elements as a grid, its name, shape, stride and offset, and its window."""
        theme = self.theme
        name = grid.key.split(".", 1)[1]
        drawn = VGroup()
        columns = grid.shape[-1] if grid.shape else 1
        if len(grid.values) == max(1, grid.numel) <= MAX_GRID and grid.dim <= 2 and columns <= MAX_COLUMNS:
            drawn.add(TensorGrid(grid, theme, theme.selection, 0.48, width=0.8))
        elif grid.numel > 1:
            drawn.add(ElidedRow(grid, theme, theme.selection, ELIDED_SHOWN, 0.48, width=0.8))
        # What the tensor is (name, shape, dtype), then how it reads its storage: one line, or
        # two when one is wider than the room.
        facts = VGroup(
            VGroup(
                code_text(name, theme, SMALL_SIZE + 6, theme.selection),
                ValueLabel(grid.shape_key, grid.shape_text, theme.muted, SMALL_SIZE, font=theme.code_font),
                ValueLabel(grid.dtype_key, grid.dtype, theme.muted, SMALL_SIZE, font=theme.code_font),
            ).arrange(RIGHT, buff=0.18)
        )
        if view is not None:
            facts.add(
                VGroup(
                    code_text("stride", theme, SMALL_SIZE, theme.muted),
                    ValueLabel(view.stride_key, str(view.stride), theme.selection, SMALL_SIZE, font=theme.code_font),
                    code_text("offset", theme, SMALL_SIZE, theme.muted),
                    ValueLabel(
                        view.storage_offset_key,
                        view.storage_offset,
                        theme.selection,
                        SMALL_SIZE,
                        font=theme.code_font,
                    ),
                ).arrange(RIGHT, buff=0.18)
            )
        room = ROOM - (STORAGE_LEFT - GRAPH_AREA.left)
        height = FOCUS_TOP - 0.2 - SAFE_BOTTOM
        group = VGroup(*drawn, facts)
        # The first layout that fits: facts on one line under the grid, in a column beside it
        # (a tall grid leaves no room under it), in a column under it; else the one that needs
        # the least shrinking, shrunk.
        layouts = ((True, False), (False, True), (False, False))

        def shrink(layout: tuple[bool, bool]) -> float:
            across, beside = layout
            facts.arrange(RIGHT, buff=0.3) if across else facts.arrange(DOWN, buff=0.1, aligned_edge=LEFT)
            if beside and len(drawn):
                group.arrange(RIGHT, buff=SIDE_GAP, aligned_edge=UP)
            else:
                group.arrange(DOWN, buff=0.25, aligned_edge=LEFT)
            return min(1.0, room / group.width, height / group.height)

        fitting = [layout for layout in layouts if shrink(layout) == 1.0]
        scale = shrink(fitting[0] if fitting else max(layouts, key=shrink))
        if scale < 1.0:
            group.scale(scale)
        group.move_to((STORAGE_LEFT, FOCUS_TOP - 0.2, 0), aligned_edge=UP + LEFT)
        if view is not None and block is not None:
            first = drawn.submobjects[0] if drawn else None
            tensor_grid = first if isinstance(first, TensorGrid) and len(view.elements) <= MAX_LINKS else None
            group.add(StridedView(view, block, theme.selection, named=tensor_grid is None))
            if tensor_grid is not None:
                for position, element in enumerate(view.elements):
                    link = Line(
                        tensor_grid.cells[position].get_top(),
                        block.cell(element).get_bottom() + 0.35 * DOWN,
                        color=theme.selection,
                        stroke_width=1.5,
                        stroke_opacity=0.6,
                    )
                    group.add(link)
        return group

    def show_graph(self, graph: TracedGraph, root: str, panels: VGroup) -> None:
        """The graph a backward() walked: its forward values, then the gradients edge by edge.
        A graph too big for the right of the frame takes its width; `panels` step aside meanwhile."""
        leaving: list[Mobject] = [*self.blocks.values(), self.focus]
        if self.shown_graph is not None:
            leaving += self.shown_graph.drawn(self.get_mobject_family_members())
        self.blocks, self.focus = {}, VGroup()
        view = self.graph_view(graph)
        if view.area is not GRAPH_AREA and not self.aside:
            self.aside = True
            leaving.append(panels)
        self.play(*(FadeOut(mobject) for mobject in leaving))
        for node in graph.nodes:
            self.play(view.show_node(node.key), run_time=0.5)
            self.flow_forward(view, node.key, run_time=0.5)
        output = typst_name(root or "out")
        self.seed(view, output)
        self.backward_pass(view, output)
        self.shown_graph = view


def step_name(step: SnippetStep) -> str:
    """A section name fit for a file name: the step's number and the first words of its title."""
    words: list[str] = []
    for word in re.sub(r"[^A-Za-z0-9]+", " ", step.title).lower().split():
        if len("-".join([*words, word])) > 24:
            break
        words.append(word)
    return "-".join([f"step{step.index + 1}", *words])


def differs(previous: StatementRecord | None, statement: StatementRecord, name: str) -> bool:
    """Whether tensor `name` is new after `statement`, or changed: made, reshaped, rewritten."""
    before = None if previous is None else previous.tensors.get(name)
    now = statement.tensors[name]
    if before is None:
        return True
    facts = ("shape", "stride", "values", "storage", "dtype")
    return any(getattr(before, fact) != getattr(now, fact) for fact in facts)


def touched(previous: StatementRecord | None, statement: StatementRecord) -> bool:
    return any(differs(previous, statement, name) for name in statement.tensors)
