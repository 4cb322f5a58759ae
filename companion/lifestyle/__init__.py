"""Lifestyle and vitals: observation types, units, validation and storage in the vault."""
