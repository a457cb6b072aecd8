"""Place a traced graph's nodes from its shape alone: leaves left, output right, few crossings."""

from __future__ import annotations

from dataclasses import dataclass

from seminar_anim.model.graph import TracedGraph, columns


@dataclass(frozen=True)
class Box:
    """A rectangle of the frame in Manim units."""

    left: float
    right: float
    bottom: float
    top: float

    @property
    def width(self) -> float:
        return self.right - self.left

    @property
    def height(self) -> float:
        return self.top - self.bottom

    @property
    def centre_x(self) -> float:
        return (self.left + self.right) / 2


def graph_positions(
    graph: TracedGraph,
    widths: dict[str, float],
    row_height: float,
    gap: float,
    height: float = 0.0,
) -> tuple[dict[str, tuple[float, float]], float, float]:
    """Centre of each node, and the width and height the drawing needs, centred on the origin.

    One column per depth, each as wide as its widest node, `gap` apart for the edges and
    their labels; each column spreads its nodes evenly over the tallest column's height
    (or `height`, if larger) and is ordered to follow its inputs, to avoid crossings.
    """
    column = columns(graph)
    count = max(column.values()) + 1
    members: list[list[str]] = [[] for _ in range(count)]
    for node in graph.nodes:
        members[column[node.key]].append(node.key)
    neighbours: dict[str, list[str]] = {node.key: [] for node in graph.nodes}
    for edge in graph.edges:
        neighbours[edge.source].append(edge.target)
        neighbours[edge.target].append(edge.source)

    rank: dict[str, float] = {}
    for sweep in range(4):
        # Alternate left-to-right and right-to-left barycentre sweeps to untangle edges.
        order = range(count) if sweep % 2 == 0 else range(count - 1, -1, -1)
        for index in order:
            keys = members[index]
            for position, key in enumerate(keys):
                placed = [rank[other] for other in neighbours[key] if other in rank and other not in keys]
                rank[key] = sum(placed) / len(placed) if placed else position / max(len(keys), 1)
            keys.sort(key=lambda key: rank[key])
            for position, key in enumerate(keys):
                rank[key] = (position + 0.5) / len(keys)

    column_widths = [max(widths[key] for key in keys) for keys in members]
    total_width = sum(column_widths) + gap * (count - 1)
    total_height = max(height, row_height * max(len(keys) for keys in members))
    positions: dict[str, tuple[float, float]] = {}
    x = -total_width / 2
    for index, keys in enumerate(members):
        x += column_widths[index] / 2
        pitch = total_height / len(keys)
        for position, key in enumerate(keys):
            positions[key] = (x, total_height / 2 - pitch * (position + 0.5))
        x += column_widths[index] / 2 + gap
    return positions, total_width, total_height
