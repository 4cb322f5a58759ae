"""Genome raw data: readers (one per format family), detection, QC and storage in the vault."""
