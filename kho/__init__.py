"""kho: digitization and results repository for Vietnamese public administration."""

import warnings

__version__ = "0.1.0"

# pyHanko imports DSA key types that cryptography >= 51 marks deprecated; kho never signs or verifies
# with DSA, and the warning on import would be a stray line on every command's stderr.
warnings.filterwarnings("ignore", message="DSA is deprecated", module=r"pyhanko(\.|$)")
