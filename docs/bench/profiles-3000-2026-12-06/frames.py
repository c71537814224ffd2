import json,sys,collections
wanted={'gateway':['io/natrix/gateway/IngestSocket.channelRead','io/natrix/gateway/SharedPolls$Poller.run','io/natrix/Observers.around','io/helidon/webserver/http1/Http1Connection.handle','io/natrix/gateway/IngestBatcher','io/natrix/Caller.call','io/natrix/CoreReader.run','io/natrix/CoreOutput.drain'],
        'geo':['io/natrix/ride/geo/GeoIndex.nearby','io/natrix/ride/geo/GeoService.lambda$start$1','io/natrix/ride/geo/GeoIndex.update','io/natrix/ride/geo/Positions.each','io/natrix/EndpointRunner.serve','io/natrix/ListenerRunner.listen','io/natrix/CoreReader.run','io/natrix/JsonCodec.encode','io/natrix/JsonCodec.decode']}
for f in sys.argv[1:]:
    role='gateway' if 'gateway' in f else 'geo'
    ev=json.load(open(f))['recording']['events']; n=len(ev)
    c=collections.Counter(); pk=collections.Counter(); top=collections.Counter()
    for e in ev:
        st=e['values']['stackTrace']; frames=st['frames'] if st else []
        full=[fr['method']['type']['name'].replace('.','/')+'.'+fr['method']['name'] for fr in frames]
        for w in wanted[role]:
            if any(x.startswith(w) for x in full): c[w]+=1
        for p in ['com/fasterxml/jackson','java/util/regex','jdk/jfr']:
            if any(x.startswith(p) for x in full): pk[p]+=1
        if full: top[full[0]]+=1
    print(f"{f}: {n} samples")
    print('   anywhere on the stack: '+'; '.join(f"{w.split('/')[-1]} {100*c[w]/n:.0f} %" for w in wanted[role]))
    print('   packages anywhere: '+'; '.join(f"{p} {100*pk[p]/n:.0f} %" for p in ['com/fasterxml/jackson','java/util/regex','jdk/jfr']))
    print('   top of stack: '+'; '.join(f"{x.split('/')[-1]} {100*v/n:.0f} %" for x,v in top.most_common(6)))
