#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The end-to-end guest started as a Debian system starts: the module DKMS
# built lies in /lib/modules/RELEASE/updates/dkms, depmod indexes it, and
# systemd-udevd, started the way Debian's initramfs starts it, loads it
# for the adapter ACPI describes.  Nothing here loads a module.  Then the
# suite (suite.sh) runs on that module.  Kernel command line as suite.sh's.
# shellcheck disable=SC2015 # "test && pass || fail": pass never fails
# shellcheck source=lib.sh
. /lib.sh

release=$(uname -r)
devices=$(cmdline e2e_devices)
node=/sys/bus/platform/devices/SDM0001:00

check "depmod -a" /sbin/depmod -a
check_output "depmod finds the module in updates/dkms" \
	"^updates/dkms/subdma\.ko(\.[gx]z)?:" cat "/lib/modules/$release/modules.dep"
[ ! -d /sys/module/subdma ] && pass "subdma is not loaded before udev starts" ||
	fail "subdma is not loaded before udev starts"

# as Debian's initramfs does: the daemon, a trigger of every subsystem and
# device that exists, and a wait until udev has handled them all
mount -t tmpfs -o mode=0755 tmpfs /run
mkdir -p /run/udev
check "systemd-udevd --daemon" /lib/systemd/systemd-udevd --daemon \
	--resolve-names=never
check "udevadm trigger (subsystems)" udevadm trigger --type=subsystems --action=add
check "udevadm trigger (devices)" udevadm trigger --type=devices --action=add
check "udevadm settle" udevadm settle --timeout=120
wait_scan "$devices"

check_output "the adapter ACPI describes has the alias of the module" \
	"^acpi:SDM0001:" cat "$node/modalias"
[ -d /sys/module/subdma ] && pass "udev loaded subdma" ||
	fail "udev loaded subdma: $(cut -d' ' -f1 /proc/modules | tr '\n' ' ')"
[ -e /sys/bus/platform/drivers/subdma/SDM0001:00 ] &&
	pass "subdma is bound to SDM0001:00" ||
	fail "subdma is bound to SDM0001:00"
path=$(/sbin/modinfo -n subdma 2>&1)
case $path in
"/lib/modules/$release/updates/dkms/subdma.ko"*)
	pass "the module loaded is DKMS's" ;;
*) fail "the module loaded is DKMS's: $path" ;;
esac
# the running module's GNU build ID, found in the file (as DKMS left it,
# compressed or not); the module has no srcversion to compare
id=$(od -An -tx1 -v /sys/module/subdma/notes/.note.gnu.build-id 2>/dev/null |
	tr -d ' \n' | tail -c 40)
case $path in
*.xz) unpack="xzcat" ;;
*.gz) unpack="zcat" ;;
*) unpack="cat" ;;
esac
[ ${#id} = 40 ] && "$unpack" "$path" | od -An -tx1 -v | tr -d ' \n' |
	grep -q "$id" &&
	pass "the module running is the file in updates/dkms (build ID $id)" ||
	fail "the module running is the file in updates/dkms: build ID '$id' not in $path"
for module in sd_mod sg; do
	[ -d "/sys/module/$module" ] && pass "udev loaded $module for the disks" ||
		fail "udev loaded $module for the disks"
done
found=$(lsscsi -g | wc -l)
[ "$found" = "$devices" ] && pass "lsscsi lists $devices devices" ||
	fail "lsscsi lists $devices devices: $(lsscsi -g | tr '\n' ' ')"
check_output "modinfo: the ACPI alias" '^alias: +acpi\*:SDM0001:\*$' \
	/sbin/modinfo subdma
check_output "modinfo: io= and its meaning" \
	'^parm: +io:I/O base of each adapter firmware does not describe' \
	/sbin/modinfo subdma
check_output "modinfo: irq= and its meaning" '^parm: +irq:IRQ of each io= adapter' \
	/sbin/modinfo subdma
check_output "modinfo: dma= and its meaning" '^parm: +dma:DMA channel of each io= adapter' \
	/sbin/modinfo subdma
check_output "modinfo: the description" \
	'^description: +subdma ISA SCSI host adapter \(subordinate 8237 DMA\)$' \
	/sbin/modinfo subdma
roundtrip "I/O through the module udev loaded" "$(first_disk sg)" 512 2048 128 0

# udev turns the block layer's media polling on: the CD's polls reach the
# adapter between the suite's commands, except where the suite counts
# the adapter's commands and holds them off (polling_off)
host=$(subdma_hosts | head -n 1)
cdrom=$(polled_disks "$host")
# polls_in_3s: the commands the CD was sent in the next 3 s
polls_in_3s() {
	read -r p0 <"/sys/block/$cdrom/device/iorequest_cnt"
	sleep 3
	read -r p1 <"/sys/block/$cdrom/device/iorequest_cnt"
	echo $((p1 - p0))
}
if [ -z "$cdrom" ]; then
	fail "the CD's medium is polled: no polled disk on $host"
else
	polls=$(polls_in_3s)
	[ "$polls" -gt 0 ] &&
		pass "the CD's medium is polled through the adapter ($polls commands in 3 s)" ||
		fail "the CD's medium is polled through the adapter: no command in 3 s"
	polling_off "$host"
	polls=$(polls_in_3s)
	polling_on
	[ "$polls" = 0 ] &&
		pass "polling_off holds the polling off (3 s)" ||
		fail "polling_off holds the polling off: $polls commands in 3 s"
fi

# the suite loads and unloads the driver itself, and the floppy driver
# (which udev loads for the PC's floppy controller), with udev out of
# its way
check "udevadm control --exit" udevadm control --exit
check "rmmod subdma" rmmod subdma
if [ -d /sys/module/floppy ]; then
	check "rmmod floppy" rmmod floppy
fi
. /suite.sh
