"""Zones, broadcast slots with recurrence, local broadcast policy, and the plan that
expands the schedule into occurrences and checks it."""
