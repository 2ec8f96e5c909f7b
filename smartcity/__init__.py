"""Reports for the Bitkom Smart City Index (see README.md and docs/)."""

# The one place the version is written: hatchling reads it into the package metadata at build time,
# and `smartcity-reports --version` reads it back from there.
__version__ = "0.2.0.dev0"

#: the name of the distribution on the package index (the import package is ``smartcity``)
DISTRIBUTION = "smartcity-reports"
