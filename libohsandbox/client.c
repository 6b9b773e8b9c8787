/*
 * client: (being written)
 */
#include "internal.h"
