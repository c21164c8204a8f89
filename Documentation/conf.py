# SPDX-License-Identifier: GPL-2.0-or-later
#
# Sphinx configuration of the subdma documentation, as tests/docs.sh builds
# it.  The kernel-doc directive is the kernel's own extension: the kernel
# tree comes from the environment (SUBDMA_KERNEL_TREE, which tests/docs.sh
# sets from tests/kunit/tree.sh) and is only read.  The .. kernel-doc::
# paths are relative to the project's top, which is the source tree here.

import os
import subprocess
import sys

from sphinx.util import logging

kernel_tree = os.environ['SUBDMA_KERNEL_TREE']
sys.path.insert(0, os.path.join(kernel_tree, 'Documentation', 'sphinx'))

import kerneldoc  # noqa: E402 (found through the path above)

project = 'subdma'
copyright = 'subdma developers'
root_doc = 'scsi/index'
exclude_patterns = ['ABI']
extensions = ['kerneldoc']
kerneldoc_bin = os.path.join(kernel_tree, 'scripts', 'kernel-doc')
# kernel-doc's own warnings make it fail, and the build with it
os.environ['KDOC_WERROR'] = '1'
kerneldoc_srctree = os.path.abspath(os.path.join(os.path.dirname(__file__),
                                                 '..'))
primary_domain = 'c'
highlight_language = 'none'
html_theme = 'alabaster'

# What kernel-doc leaves in front of a declaration that is no C type
c_id_attributes = ['VISIBLE_IF_KUNIT']

# A :c:func: or :c:struct: reference to a subdma identifier that kernel-doc
# does not document is a warning, so an identifier named by hand cannot
# drift from the code; the kernel's own types are left alone.
nitpicky = True
nitpick_ignore_regex = [(r'c:.*', r'(?!subdma).*')]

logger = logging.getLogger(__name__)


class CheckedKernelDoc(kerneldoc.KernelDocDirective):
    """kernel-doc, with a warning for every identifier it cannot find.

    kernel-doc itself warns of a missing identifier only when it finds none
    of those it was asked for; ask for each one alone first.
    """

    def run(self):
        env = self.state.document.settings.env
        names = (self.options.get('functions') or
                 self.options.get('identifiers') or '').split()
        if 'doc' in self.options:
            names = [self.options['doc']]
        path = os.path.join(env.config.kerneldoc_srctree, self.arguments[0])
        for name in names:
            result = subprocess.run(
                [env.config.kerneldoc_bin, '-rst', '-function', name, path],
                stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                universal_newlines=True, check=False)
            if not result.stdout.strip():
                logger.warning('kernel-doc: %s: %s not found',
                               self.arguments[0], name,
                               location=(env.docname, self.lineno))
        return super().run()


def setup(app):
    app.add_directive('kernel-doc', CheckedKernelDoc, override=True)
