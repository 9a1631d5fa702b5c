"""Field data in: the ODK/Kobo registration form Refuge generates, and imports of the
submissions those servers export (xlsform.py writes the form, exports.py reads the
exports, imports.py checks and applies them through the registry's action)."""
