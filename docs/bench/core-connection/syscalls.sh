#!/bin/bash
# syscalls (read/write) per second per process over 10 s
snap() { for p in $(pgrep -f "ServiceMain|SimWorker|nats-server"); do n=$(tr '\0' ' ' < /proc/$p/cmdline | grep -o 'ServiceMain [a-z-]*\|SimWorker\|nats-server' | sed 's/ServiceMain //'); r=$(awk '/syscr/{print $2}' /proc/$p/io); w=$(awk '/syscw/{print $2}' /proc/$p/io); t=$(awk '{print $14+$15}' /proc/$p/stat); echo "$p $n $r $w $t"; done; }
snap | sort > /tmp/sc.a; sleep 10; snap | sort > /tmp/sc.b
join /tmp/sc.a /tmp/sc.b | awk '{printf "%-12s reads/s %7d writes/s %7d cpu %3d%%\n", $2, ($7-$3)/10, ($8-$4)/10, ($9-$5)/10}' | sort
