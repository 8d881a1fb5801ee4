/* live.h -- the install medium's live system in its root: the units that check the medium before
 * anything else, the rescue shell, the unattended installer, and the drop-ins that keep a node's
 * own units (and a login) from starting on the medium. Written by `farrow iso build` into the
 * live root; removed by the installer from the node it writes (one table, lib/live.c). */
/* SPDX-License-Identifier: MIT */
#ifndef FR_LIVE_H
#define FR_LIVE_H

#include "err.h"

#define FR_LIVE_INSTALL_UNIT "farrow-install.service" /* farrow.mode=unattended */
#define FR_LIVE_SHELL_UNIT "farrow-shell.service"     /* started by the installer when on_error: shell */

/* Write the live system's units and drop-ins under root (enabled where they are). 0 or an error. */
int fr_live_units(const char *root, struct fr_err *err);

/* Remove them from root (a node being installed from the live root): what fr_live_units wrote,
 * nothing else. 0 or FR_EIO. */
int fr_live_units_remove(const char *root, struct fr_err *err);

#endif
