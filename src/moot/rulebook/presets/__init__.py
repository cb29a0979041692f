"""Preset rulebook editions shipped with moot, one TOML file each."""
