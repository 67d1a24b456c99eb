"""Reports the commune owes: the as-run record, its statistics and their exports."""
