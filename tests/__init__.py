"""The repository's plain-Python tests, simulators and fixtures. Importing this package
puts Odoo's addons and the repository's on ``odoo.addons`` (as ``--addons-path`` does for
``odoo-bin``), so that every module has one name, ``odoo.addons.<addon>...``, here as in
Odoo."""

from pathlib import Path

import odoo.init  # Odoo's set-up first, as odoo-bin does
import odoo.addons
from odoo.tools import config

REPO = Path(__file__).resolve().parent.parent
for _path in (config.addons_community_dir, str(REPO)):
    if _path not in odoo.addons.__path__:
        odoo.addons.__path__.append(_path)
