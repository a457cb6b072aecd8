"""devices: .to('cuda'), .cuda() and .cpu() copy a tensor between CPU and GPU memory; ops need one device."""

from manim import *

from seminar_anim.model.devices import DevicesFacts, Placed, devices_lesson
from seminar_anim.visual.code import CodePanel, OutputPanel
from seminar_anim.visual.codegraph import GRAPH_AREA, STRIP_Y, CodeGraphScene
from seminar_anim.visual.fades import FadeIn, FadeOut
from seminar_anim.visual.labels import ValueLabel, code_text, plain_text
from seminar_anim.visual.theme import LABEL_SIZE, SMALL_SIZE

REGION_WIDTH = 2.9
REGION_TOP = GRAPH_AREA.top - 0.1
REGION_BOTTOM = GRAPH_AREA.bottom + 0.2
CPU_X = GRAPH_AREA.left + REGION_WIDTH / 2
GPU_X = GRAPH_AREA.right - REGION_WIDTH / 2
# Each tensor's row inside its memory, top to bottom.
ROWS = {"cpu_tensor": 0, "again_to_cpu": 2, "gpu_tensor": 0, "to_gpu": 1, "to_gpu_another": 2}
ROW_GAP = 1.45


class DevicesScene(CodeGraphScene):
    """Two memories side by side and the bus between them; every copy is a new block."""

    def construct(self) -> None:
        facts: DevicesFacts = self.facts or devices_lesson()
        listing = facts.listing
        marks = listing.marks
        theme = self.theme
        code, output = self.panels(listing.code, bottom=STRIP_Y + 0.3)

        self.step("code", "Every tensor has a device: where its data sits. Moving it to another device copies it.")
        self.play(FadeIn(self.title("Moving tensors to the GPU")), FadeIn(code, shift=0.2 * RIGHT))
        self.add(output)
        memories = self.memories(facts)
        banner = self.banner(facts)
        self.play(FadeIn(memories), FadeIn(banner))
        self.hold(2)

        self.step("devices", "torch.zeros(1, device='cuda') is made in GPU memory; torch.zeros(1) in CPU memory.")
        blocks = {key: self.block(placed) for key, placed in facts.tensors.items()}
        self.play(code.highlight(marks["gpu_tensor"]), FadeIn(blocks["gpu_tensor"], shift=0.2 * DOWN))
        self.play(code.highlight(marks["cpu_tensor"]), FadeIn(blocks["cpu_tensor"], shift=0.2 * DOWN))
        self.run_line(facts, code, output, "print_devices")
        self.hold(1)

        self.step("copy", ".to(device='cuda') and .cuda() each copy the data over the bus into a new GPU block.")
        for key in ("to_gpu", "to_gpu_another"):
            self.play(code.highlight(marks[key]))
            self.travel(blocks["cpu_tensor"], blocks[key])
        self.run_line(facts, code, output, "print_same")
        two = VGroup(
            *(
                SurroundingRectangle(blocks[key][0], color=theme.selection, buff=0.06)
                for key in ("to_gpu", "to_gpu_another")
            )
        )
        self.play(Create(two))
        self.hold(1)

        self.step("back", ".cpu() copies back: a third copy, in CPU memory, separate from cpu_tensor.")
        self.play(code.highlight(marks["again_to_cpu"]), FadeOut(two))
        self.travel(blocks["to_gpu"], blocks["again_to_cpu"])
        self.execute(code, output, listing, marks["print_back"])
        self.hold(1)

        self.step("one-device", "An operation needs all its tensors on one device: cpu_tensor + to_gpu fails.")
        self.play(code.highlight(marks["mixed"]))
        start, end = blocks["cpu_tensor"][0].get_right(), blocks["to_gpu"][0].get_left()
        attempt = DashedLine(start, end, color=theme.error, stroke_width=3)
        cross = Cross(scale_factor=0.18, stroke_color=theme.error, stroke_width=5).move_to(attempt)
        self.play(Create(attempt))
        self.play(Create(cross))
        self.run_line(facts, code, output, "mixed")
        if not facts.real_gpu:
            self.play(Indicate(banner, color=theme.selection))
        self.hold(2)

    def run_line(self, facts: DevicesFacts, code: CodePanel, output: OutputPanel, mark: str) -> None:
        """Run a line that needs CUDA: its real output, or a note that it was not run here."""
        if facts.real_gpu:
            self.execute(code, output, facts.listing, facts.listing.marks[mark])
            if facts.mixed_error and mark == "mixed":
                self.play(output.print_line(facts.mixed_error, self.theme.error))
                self.hold(1)
            return
        self.play(code.highlight(facts.listing.marks[mark]))
        self.play(output.print_line("(needs CUDA: not run here)", self.theme.muted))
        self.hold(1)

    def memories(self, facts: DevicesFacts) -> VGroup:
        """CPU memory left, GPU memory right, the bus between them."""
        theme = self.theme
        regions = VGroup()
        for x, color, name in ((CPU_X, theme.cpu, "CPU memory"), (GPU_X, theme.gpu, "GPU memory")):
            box = RoundedRectangle(
                corner_radius=0.15, width=REGION_WIDTH, height=REGION_TOP - REGION_BOTTOM, color=color, stroke_width=3
            )
            box.move_to((x, (REGION_TOP + REGION_BOTTOM) / 2, 0))
            title = plain_text(name, color, SMALL_SIZE + 4).next_to(box.get_top(), DOWN, buff=0.15)
            regions.add(VGroup(box, title))
        gap_left, gap_right = regions[0][0].get_right()[0], regions[1][0].get_left()[0]
        bus = VGroup(
            *(
                Line((gap_left, y, 0), (gap_right, y, 0), color=theme.muted, stroke_width=2)
                for y in (REGION_BOTTOM + 0.5, REGION_BOTTOM + 0.62)
            )
        )
        bus_name = plain_text("bus", theme.muted, SMALL_SIZE).next_to(bus, DOWN, buff=0.08)
        if facts.real_gpu:
            card = ValueLabel(facts.name_key, facts.gpu_name, theme.gpu, SMALL_SIZE + 2)
            regions[1].add(card.next_to(regions[1][1], DOWN, buff=0.08))
        return VGroup(regions, bus, bus_name)

    def banner(self, facts: DevicesFacts) -> VGroup:
        """Says whether the GPU side was computed on CUDA or only illustrated, from the manifest."""
        theme = self.theme
        banner = VGroup(
            plain_text("GPU side:", theme.muted, SMALL_SIZE + 4),
            ValueLabel(facts.mode_key, facts.mode, theme.gpu if facts.real_gpu else theme.text, LABEL_SIZE + 2),
        ).arrange(RIGHT, buff=0.2)
        return banner.move_to((GRAPH_AREA.centre_x, STRIP_Y, 0))

    def block(self, placed: Placed) -> VGroup:
        """A one-element tensor: its cell and value, its name, and its device, live."""
        theme = self.theme
        color = theme.gpu if placed.on_gpu else theme.cpu
        cell = Rectangle(width=0.8, height=0.5, color=color, stroke_width=2).set_fill(theme.panel, 1)
        value = ValueLabel(placed.value_key, placed.value, theme.text, LABEL_SIZE).move_to(cell)
        name = code_text(placed.key, theme, SMALL_SIZE + 2).next_to(cell, DOWN, buff=0.1)
        where = ValueLabel(placed.device_key, placed.device, color, LABEL_SIZE)
        where.next_to(name, DOWN, buff=0.06)
        x = GPU_X if placed.on_gpu else CPU_X
        block = VGroup(VGroup(cell, value), name, where)
        return block.move_to((x, REGION_TOP - 0.95 - ROWS[placed.key] * ROW_GAP, 0))

    def travel(self, source: VGroup, target: VGroup) -> None:
        """The value leaves `source`, runs along the bus, and lands in the new block `target`."""
        bus_y = REGION_BOTTOM + 0.56
        moving = source[0][1].copy()
        start = source[0].get_center()
        route = [
            start,
            (start[0], bus_y, 0),
            (target[0].get_center()[0], bus_y, 0),
            target[0].get_center(),
        ]
        path = VMobject().set_points_as_corners([np.array(point, dtype=float) for point in route])
        self.play(MoveAlongPath(moving, path), run_time=1.5)
        self.remove(moving)
        self.play(FadeIn(target))
