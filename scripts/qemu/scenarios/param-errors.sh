# hello.ko with wrong parameters: unknown name, bad value, out of range, missing value, init failure,
# and a quoted value with a space (kmod joins the arguments with spaces, unquoted).
insmod ../../../samples/hello/hello.ko bogus=1
lsmod
rmmod hello
insmod ../../../samples/hello/hello.ko count=abc
lsmod
insmod ../../../samples/hello/hello.ko count=99999999999
insmod ../../../samples/hello/hello.ko count
insmod ../../../samples/hello/hello.ko whom
insmod ../../../samples/hello/hello.ko count=-1
lsmod
insmod ../../../samples/hello/hello.ko "whom=two words" count=2
rmmod hello
insmod ../../../samples/hello/hello.ko count=1 count=2
rmmod hello
insmod ../../../samples/hello/hello.ko whom=
rmmod hello
insmod ../../../samples/hello/hello.ko COUNT=3
rmmod hello
insmod ../../../samples/hello/hello.ko count=0x10
rmmod hello
