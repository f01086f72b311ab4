package io.mnemos.scripting;

import io.mnemos.testing.DifferentialRun;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Lua tables behave as in Redis's Lua 5.1, script by script against real Redis: the order pairs and
 * next visit keys in (what cjson.encode, cmsgpack.pack and a returned RESP3 map write out), the
 * length of a table with holes, table.sort's order for equal elements and its errors, and the
 * errors of nil and NaN keys. Besides the hand-written cases, seeded random tables: constructors
 * with list items and keyed fields, then assignments and deletions of string, integer, fractional
 * and boolean keys.
 */
class LuaTablesDifferentialTest {
    private static final String[] ORDER = {
        "local t = {a=1,b=2,c=3,d=4,e=5} local r = {} for k,v in pairs(t) do r[#r+1]=k end return r",
        "local t = {} t.alpha=1 t.beta=2 t.gamma=3 t.delta=4 t.epsilon=5 t.zeta=6 local r = {} for k,v in pairs(t) do r[#r+1]=k end return r",
        "local t = {} for i=1,20 do t['key'..i]=i end local r = {} for k,v in pairs(t) do r[#r+1]=k end return r",
        "local t = {1,2,3,x=1,y=2,[10]=5,[2.5]=1} local r = {} for k,v in pairs(t) do r[#r+1]=tostring(k) end return r",
        "local t = {} t[3]=1 t[1]=1 t[7]=1 t[2]=1 t[100]=1 t[-1]=1 t[0]=1 local r = {} for k,v in pairs(t) do r[#r+1]=k end return r",
        "local t = {true,false,x=true} local r = {} for k,v in pairs(t) do r[#r+1]=tostring(k) end return r",
        "local t = {[true]=1,[false]=2,['true']=3} local r = {} for k,v in pairs(t) do r[#r+1]=tostring(k) end return r",
        "local t = cjson.decode('{\"a\":1,\"b\":2,\"c\":3,\"dd\":4,\"eee\":5}') local r = {} for k,v in pairs(t) do r[#r+1]=k end return r",
        "local t = {} for i=1,100 do t['k'..i]=i end for i=1,100,3 do t['k'..i]=nil end local r = {} for k,v in pairs(t) do r[#r+1]=k end return r",
        "local t = {} for i=1,100 do t['k'..i]=i end for i=1,100,3 do t['k'..i]=nil end for i=101,120 do t['k'..i]=i end local r = {} for k,v in pairs(t) do r[#r+1]=k end return r",
        "local t = {x=1} local k = next(t) return k",
        "local t = {} return next(t)",
        "local t = {a=1} return next(t, 'zz')",
        "local t = {} for i=1,5 do t[i]=i end t.x=1 t[7]=7 t[6]=6 local r = {} for k,v in pairs(t) do r[#r+1]=tostring(k) end return r",
        "local t = {} t[1.5]=1 t[2.5]=2 t[-3.25]=3 t[1e10]=4 t[2^40]=5 local r = {} for k,v in pairs(t) do r[#r+1]=tostring(k) end return r",
        "local t = {} for i=1,33 do t[string.rep('x',i)]=i end local r = {} for k,v in pairs(t) do r[#r+1]=#k end return r",
        "local t = {} for i=1,10 do t[string.rep('ab',20)..i]=i end local r = {} for k,v in pairs(t) do r[#r+1]=k end return r",
        "local t = {'a','b','c','d','e','f','g','h','i','j','k','l','m','n','o','p','q','r','s','t'} t.x = 1 t[25]=1 local r = {} for k,v in pairs(t) do r[#r+1]=tostring(k) end return r",
        "local t = {} t.x = nil t.y = 1 local r = {} for k,v in pairs(t) do r[#r+1]=k end return r",
        "local t = {} local mt = {__newindex=function(t,k,v) rawset(t,k..'_',v) end} setmetatable(t, mt) t.a=1 t.b=2 local r = {} for k,v in pairs(t) do r[#r+1]=k end return r",
        "return next({}, 1)",
        "return next({})",
        "return next()",
        "return next(nil)",
        "local t = {1,2,nil,4} local r = {} for i,v in ipairs(t) do r[i]=v end return r",
        "local t = {} t.a=1 t.b=2 t.a=nil t.c=3 local r={} for k in pairs(t) do r[#r+1]=k end return r",
        "local t = {} for i=1,8 do t['x'..i]=i end for i=1,8 do t['x'..i]=nil end for i=1,8 do t['y'..i]=i end local r={} for k in pairs(t) do r[#r+1]=k end return r",
        "local t = {} for i=1,10 do t[i]=i end for i=1,10 do t[i]=nil end t.z=1 return {#t, next(t)}",
        "local t = {} t[1]=1 t[3]=3 t[2]=2 t[5]=5 t[4]=4 local r={} for k in pairs(t) do r[#r+1]=k end return r",
        "local t = {} t[4]=4 t[3]=3 t[2]=2 t[1]=1 local r={} for k in pairs(t) do r[#r+1]=k end return {#t, r}",
        "local t = {[1]=1,[2]=2,[3]=3} local r={} for k in pairs(t) do r[#r+1]=k end return {#t, r}",
        "local t = {n=0, 1, 2, [3]=3, x='y', [10]=10} local r={} for k in pairs(t) do r[#r+1]=tostring(k) end return {#t, r}",
        "local t = {} for i = 1, 40 do t[i * 2] = i end local r={} for k in pairs(t) do r[#r+1]=k end return {#t, r}",
        "local t = {} for i = 40, 1, -1 do t[i] = i end t[20] = nil local r={} for k in pairs(t) do r[#r+1]=k end return {#t, r}",
        "local t = setmetatable({}, {__index=function(t,k) return k..'!' end}) t.a=nil local r={} for k in pairs(t) do r[#r+1]=k end return {t.b, r}",
        "local log = {} local t = setmetatable({}, {__newindex=function(t,k,v) log[#log+1]=k end}) t.a=1 t.b=2 t[1]=3 local r={} for k,v in pairs(t) do r[#r+1]=tostring(k)..tostring(v) end return {log, r}"
    };

    private static final String[] LENGTH = {
        // A constructor ending in a call or '...' sizes its array for every value, nils included (lvm.c's SETLIST).
        "local r = {pcall(function() return nil, 2 end)} return #r",
        "local function f(...) local t = {...} return {#t, unpack(t)} end return f(1, nil, nil, 4)",
        "local function f(...) local t = {...} return #t end return f(nil, nil, 3)",
        "local function f(...) local t = {1, ...} return #t end return f(nil, 3)",
        "local t = {unpack({1, nil, 3}, 1, 3)} return {#t, cjson.encode(t)}",
        "local t = {1,2,nil,4} return #t",
        "local t = {1,2,nil,4,nil} return #t",
        "local t = {} t[1]=1 t[2]=2 t[4]=4 return #t",
        "local t = {nil,nil,3} return #t",
        "local t = {} for i=1,10 do t[i]=i end t[5]=nil return #t",
        "local t = {} for i=1,10 do t[i]=i end t[10]=nil t[9]=nil return #t",
        "local t = {} for i=1,30 do t[i] = {k=(i*7)%5, id=i} end table.sort(t, function(a,b) return a.k < b.k end) local r = {} for i,v in ipairs(t) do r[i]=v.id end return r",
        "local t = setmetatable({}, {__len=function() return 42 end}) t[1]=1 return #t",
        "return unpack({1,2,nil,4})",
        "local t = {1,2,3} table.remove(t) table.remove(t,1) return t",
        "local t = {1,2,3} table.insert(t, 2, 'x') return t",
        "return {unpack({1,2,nil,4})}",
        "return {unpack({1,2,3}, 2)}",
        "return {unpack({1,2,3}, -1, 1)}",
        "local t = {1,2,3} table.remove(t, 0) return t",
        "local t = {} return {table.remove(t)}",
        "local t = {1,2,3} return {table.remove(t, 5)}",
        "local t = {1,2,3} return {table.remove(t, 1), t[1], t[2], t[3]}",
        "local t = {10,20,30,nil,50} return {#t, select('#', unpack(t))}",
        "return table.remove()",
        "return table.remove({1,2}, 'x')",
        "return {table.remove({1,2}, '2')}"
    };

    private static final String[] SORT = {
        "local t = {5,3,8,1,9,2,7} table.sort(t) return t",
        "local t = {} for i=1,50 do t[i] = (i*37) % 11 end table.sort(t) return t",
        "local t = {3,1,2} table.sort(t, function(a,b) return true end) return t",
        "local t = {} for i=1,20 do t[i]=i end table.sort(t, function(a,b) return true end) return t",
        "local t = {1,'a',2} table.sort(t) return t",
        "local t = {n=1} table.sort(t) return t.n",
        "return table.sort()",
        "return table.sort({3,2,1}, 5)",
        "return table.sort({{},{}})",
        "return table.sort({true,false})",
        "return table.sort({1,nil,3})",
        "local t = {'b','a','B','A','\\200','\\0','ab','a\\0b'} table.sort(t) return t",
        "local t = {3,1,2} table.sort(t, nil) return t",
        "local mt = {__lt=function(a,b) return a.v < b.v end} local t = {} for i=1,10 do t[i]=setmetatable({v=(i*3)%7},mt) end table.sort(t) local r={} for i=1,10 do r[i]=t[i].v end return r"
    };

    private static final String[] ENCODERS = {
        "return cjson.encode({name='x',age=3,tags={'a','b'},nested={z=1,y=2,x=3}})",
        "return cjson.encode({alpha=1,beta=2,gamma=3,delta=4,epsilon=5,zeta=6,eta=7,theta=8,iota=9,kappa=10})",
        "return cjson.encode(cjson.decode('{\"one\":1,\"two\":2,\"three\":3,\"four\":4,\"five\":5,\"six\":6,\"seven\":7}'))",
        "return cmsgpack.pack({a=1,b=2,c=3,d=4})",
        "return cmsgpack.pack({a=1,b=2,c=3,dd=4,eee=5,[1.5]=6,[true]=7})",
        "return cjson.encode({[1]=1,[2]=2,[4]=4})",
        "return cjson.encode({[1]=1,[2]=2,[3]=3,x=1})"
    };

    private static final String[] KEYS_AND_ERRORS = {
        "local t = {} t[nil] = 1 return 1",
        "local t = {} t[0/0] = 1 return 1",
        "local t = {} rawset(t, nil, 1) return 1",
        "local t = {} rawset(t, 0/0, 1) return 1",
        "local t = {} return t[nil]",
        "local t = {} return t[0/0]",
        "local t = {a=1} return pcall(next, t, 'missing')",
        "local t = {1,2} return {pcall(next, t, 5)}",
        "return rawset()",
        "return rawset({})",
        "return rawset({}, nil)",
        "return rawset({}, 'a')",
        "return rawset(5, 'a', 1)",
        "local t = {} return rawset(t, 'a', 1) == t",
        "return tonumber()"
    };

    @Test
    void pairsVisitsKeysInRedissOrder() throws Exception {
        DifferentialRun.sameEvalReplies(ORDER);
    }

    @Test
    void lengthIsLua51sBorder() throws Exception {
        DifferentialRun.sameEvalReplies(LENGTH);
    }

    @Test
    void tableSortIsLua51sQuicksort() throws Exception {
        DifferentialRun.sameEvalReplies(SORT);
    }

    @Test
    void encodersWriteFieldsInTableOrder() throws Exception {
        DifferentialRun.sameEvalReplies(ENCODERS);
    }

    @Test
    void badKeysAndArgumentsFailAsInRedis() throws Exception {
        DifferentialRun.sameEvalReplies(KEYS_AND_ERRORS);
    }

    /** Tables Redis builds from replies and arguments: a RESP3 map returned as it iterates, KEYS and ARGV grown. */
    @Test
    void tablesFromRepliesAndArgumentsIterateAsInRedis() throws Exception {
        try (DifferentialRun run = DifferentialRun.start()) {
            run.send("HSET", "h", "alpha", "1", "beta", "2", "gamma", "3", "delta", "4", "epsilon", "5", "zeta", "6");
            run.send("EVAL", "redis.setresp(3) return redis.call('hgetall', KEYS[1])", "1", "h");
            run.send("EVAL", "redis.setresp(3) local m = redis.call('hgetall', KEYS[1]).map local r = {} "
                    + "for k, v in pairs(m) do r[#r + 1] = k end return r", "1", "h");
            run.send("SADD", "s", "x", "y", "z", "w", "v");
            run.send("EVAL", "redis.setresp(3) local r = {} for k in pairs(redis.call('smembers', KEYS[1]).set) do "
                    + "r[#r + 1] = k end table.sort(r) return r", "1", "s");
            run.send("EVAL", "KEYS[#KEYS + 1] = 'x' ARGV.extra = 1 local r = {} for k in pairs(KEYS) do r[#r + 1] = k end "
                    + "for k in pairs(ARGV) do r[#r + 1] = k end return r", "3", "a", "b", "c", "1", "2", "3", "4", "5");
        }
    }

    @Test
    void randomTablesIterateAsInRedis() throws Exception {
        DifferentialRun.sameEvalReplies(randomScripts(new Random(20261207), 400));
    }

    /** Scripts that build a table at random and return its traversal, its encoding or its sorted list part. */
    private static String[] randomScripts(Random rnd, int count) {
        List<String> scripts = new ArrayList<>();
        for (int n = 0; n < count; n++) {
            StringBuilder s = new StringBuilder();
            if (rnd.nextInt(10) < 3) {
                List<String> items = new ArrayList<>();
                for (int i = rnd.nextInt(26); i > 0; i--) {
                    items.add(rnd.nextBoolean() ? (rnd.nextInt(5) == 0 ? "nil" : String.valueOf(rnd.nextInt(10)))
                            : "[" + randomKey(rnd) + "]=" + i);
                }
                s.append("local t = {").append(String.join(",", items)).append("} ");
            } else {
                s.append("local t = {} ");
            }
            for (int i = rnd.nextInt(61); i > 0; i--) {
                int r = rnd.nextInt(10);
                s.append(r < 7 ? "t[" + randomKey(rnd) + "]=" + i : r < 9 ? "t[" + randomKey(rnd) + "]=nil" : "t[#t+1]=" + i)
                        .append(' ');
            }
            int r = rnd.nextInt(10);
            s.append(r < 6 ? "local r = {#t} for k,v in pairs(t) do r[#r+1]=tostring(k)..'='..tostring(v) end return r"
                    : r < 8 ? "return cjson.encode(t)"
                    : "local r = {} for i=1,#t do r[i]=tostring(t[i]) end table.sort(r) return {#t, table.concat(r, ',')}");
            scripts.add(s.toString());
        }
        return scripts.toArray(new String[0]);
    }

    private static final String[] FRACTIONAL_KEYS = {"0.5", "1.5", "-2.25", "1e10", "2^40", "3.75", "100.125"};

    private static String randomKey(Random rnd) {
        int r = rnd.nextInt(100);
        if (r < 35) {
            StringBuilder k = new StringBuilder("'");
            for (int i = rnd.nextInt(41); i > 0; i--) {
                k.append("abcxyz_01".charAt(rnd.nextInt(9)));
            }
            return k.append("'").toString();
        }
        if (r < 70) {
            return String.valueOf(rnd.nextInt(44) - 3);
        }
        if (r < 80) {
            return FRACTIONAL_KEYS[rnd.nextInt(FRACTIONAL_KEYS.length)];
        }
        if (r < 85) {
            return rnd.nextBoolean() ? "true" : "false";
        }
        return String.valueOf(1 + rnd.nextInt(300));
    }
}
