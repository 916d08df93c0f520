-- Deterministic randomness: every draw is a hash of (seed, salt, keys), so the
-- result does not depend on thread scheduling or row order the way random() does.
-- DuckDB's multi-argument hash() combines its inputs too weakly (draws with
-- different salts come out correlated), so each key is mixed in by re-hashing.
create or replace temp macro mix(salt, k) as
    hash(xor(hash(getvariable('seed'), salt), hash(k)));

create or replace temp macro rnd(salt, k) as
    (mix(salt, k) >> 11) * 1.1102230246251565e-16;

create or replace temp macro rnd2(salt, k1, k2) as
    (hash(xor(mix(salt, k1), hash(k2))) >> 11) * 1.1102230246251565e-16;

-- Standard normal draw (Box-Muller on two independent uniforms).
create or replace temp macro norm(salt, k) as
    sqrt(-2 * ln(1 - rnd(salt || ':a', k))) * cos(2 * pi() * rnd(salt || ':b', k));

create or replace temp macro norm2(salt, k1, k2) as
    sqrt(-2 * ln(1 - rnd2(salt || ':a', k1, k2))) * cos(2 * pi() * rnd2(salt || ':b', k1, k2));

create or replace temp macro secs(x) as to_seconds(floor(x)::bigint);

-- Ingestion lag: most rows land within the hour; about 1.5% arrive one to
-- three days late, as they do from mobile clients that were offline.
create or replace temp macro load_lag(salt, k) as
    case
        when rnd(salt || ':late', k) < 0.015 then secs(86400 + rnd(salt || ':lag', k) * 172800)
        else secs(120 + rnd(salt || ':lag', k) * 3300)
    end;

create or replace temp table gen_days as
select
    d::date as day,
    (d::date - getvariable('start_date'))::integer as day_index,
    isodow(d) as dow
from range(
    getvariable('start_date')::timestamp,
    getvariable('as_of')::timestamp + interval 1 day,
    interval 1 day
) as t (d);
