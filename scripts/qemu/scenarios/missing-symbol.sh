# A module using a symbol that no kernel and no module exports.
modinfo -F depends ../../../samples/missing-symbol/missing-symbol.ko
insmod ../../../samples/missing-symbol/missing-symbol.ko
lsmod
ls /sys/module/ | grep missing
