/*
 * policy: (being written)
 */
#include "internal.h"
