# One parameter of every type: defaults, every value set, sysfs reads and writes, and bad values.
modinfo -F parm ../../../samples/params/params.ko
insmod ../../../samples/params/params.ko
ls -l /sys/module/params/parameters/
cd /sys/module/params/parameters && for f in *; do echo "$f=$(cat $f)"; done
rmmod params
insmod ../../../samples/params/params.ko p_byte=255 p_short=-32768 p_ushort=65535 p_int=-2147483648 p_uint=4294967295 p_long=-9223372036854775808 p_ulong=18446744073709551615 p_ullong=18446744073709551615 p_hexint=0xdeadbeef p_charp=hello p_bool=y p_invbool=y p_bint=1 p_array=10,-20,30 p_string=seven77
cd /sys/module/params/parameters && for f in *; do echo "$f=$(cat $f)"; done
echo 12 > /sys/module/params/parameters/p_byte
echo 256 > /sys/module/params/parameters/p_byte
echo N > /sys/module/params/parameters/p_bool
echo maybe > /sys/module/params/parameters/p_bool
echo 0 > /sys/module/params/parameters/p_invbool
echo 1,2,3,4 > /sys/module/params/parameters/p_array
echo 1,2,3,4,5 > /sys/module/params/parameters/p_array
echo 42 > /sys/module/params/parameters/p_hexint
echo toolongvalue > /sys/module/params/parameters/p_string
echo new > /sys/module/params/parameters/p_charp
cd /sys/module/params/parameters && for f in *; do echo "$f=$(cat $f)"; done
rmmod params
insmod ../../../samples/params/params.ko p_byte=256
insmod ../../../samples/params/params.ko p_short=32768
insmod ../../../samples/params/params.ko p_bool=maybe
insmod ../../../samples/params/params.ko p_bint=2
insmod ../../../samples/params/params.ko p_array=1,2,3,4,5
insmod ../../../samples/params/params.ko p_string=toolongvalue
insmod ../../../samples/params/params.ko p_hexint=zz
insmod ../../../samples/params/params.ko p_bool p_invbool p_array=
cd /sys/module/params/parameters && for f in *; do echo "$f=$(cat $f)"; done
rmmod params
# Permission 0: set at load time, no sysfs file; 0444: a file root cannot write.
insmod ../../../samples/params/params.ko p_hidden=21 p_readonly=22
ls /sys/module/params/parameters/p_hidden
cat /sys/module/params/parameters/p_readonly
echo 5 > /sys/module/params/parameters/p_readonly
cat /sys/module/params/parameters/p_readonly
rmmod params
