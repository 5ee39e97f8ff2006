import subprocess
import sys


def test_import_kerasbridge_does_not_import_heavy_modules():
    code = (
        "import sys, kerasbridge\n"
        "heavy = ['lightning', 'pytorch_lightning', 'torchmetrics', 'h5py', 'keras', 'torch_xla', 'rich']\n"
        "print(','.join(m for m in heavy if m in sys.modules))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == ""
