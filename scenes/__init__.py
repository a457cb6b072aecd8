"""Lecture scenes, one file per topic; each also renders with plain `manim`."""
