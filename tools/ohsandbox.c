#include <stdio.h>
#include "ohsandbox.h"
int main(void) { printf("%s\n", ohs_version()); return 0; }
