"""Outputs: rendering a scene, its files, the render key, parallel jobs, slides and the course."""
