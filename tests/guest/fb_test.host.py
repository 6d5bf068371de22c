# SPDX-License-Identifier: GPL-2.0-only
"""Host checks of fb_test: ramfb's pictures of the DMA buffer, pixel by
pixel, as the guest drew them (the test asked for each screendump)."""
from workbench.ppm import screendump


def check(run):
    if not run.full_suite:
        return
    yield screendump(run, "gradient", "gradient:640x480",
                     "fb_screendump_is_the_drawn_picture")
    yield screendump(run, "row", "gradient:640x480:row=100:ffffff",
                     "fb_screendump_shows_the_synced_row")
    yield screendump(run, "unbound", "color:16x16:000000",
                     "fb_screendump_after_unbind_is_blank")
    yield screendump(run, "doc-example", "color:640x480:000000:row=100:ffffff",
                     "fb_documented_example_is_its_picture")
