/*
 * exec: (being written)
 */
#include "internal.h"
