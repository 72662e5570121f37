# Loading a module twice, removing one that is not loaded, and removing twice.
rmmod hello
insmod ../../../samples/hello/hello.ko
insmod ../../../samples/hello/hello.ko
insmod ../../../samples/hello/hello.ko count=2
lsmod
rmmod hello
rmmod hello
rmmod hello.ko
rmmod nosuchmodule
insmod nosuch.ko
insmod
rmmod
