/* The HVC immediate with which leapboot's hand-off asks its EL2 stub to enter the
 * kernel at EL2 (x0 = DTB, x1 = entry). */
#ifndef LEAPBOOT_EL2_STUB_H
#define LEAPBOOT_EL2_STUB_H

#define EL2_STUB_ENTER 0x4c42 /* "LB" */

#endif
