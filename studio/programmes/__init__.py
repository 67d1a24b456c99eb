"""Programmes: what one is made of (model), its approval workflow, and its rendering."""
