"""locwork: an offline translation and localization workbench.

French documents are segmented into sentences, machine-translated offline
(argos, Bergamot, Apertium), reviewed, and stored as gettext PO catalogs.
"""

__version__ = "0.1.0"
