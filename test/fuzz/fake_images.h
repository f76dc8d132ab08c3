/* SPDX-License-Identifier: MIT */
/*
 * Small stand-ins for the guest images the seed configs name ("hello",
 * "linux/Image", ...), written once into a temporary image directory so
 * that the fuzzed configs reach image placement, the guest-DT generator
 * and the layout code.
 */
#pragma once

/* Creates the directory and its files; returns its path (static). */
const char *fake_images_dir(void);
