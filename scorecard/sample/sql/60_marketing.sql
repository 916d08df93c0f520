-- Marketing spend by day and paid channel, roughly proportional to the
-- signups each channel brought in, at a channel-specific cost per signup.
create or replace temp table gen_ad_spend as
with channel_days as (
    select
        d.day,
        d.day_index,
        c.channel,
        c.cost_per_signup,
        count(u.user_id) as signups
    from gen_days as d
    cross join (
        values ('paid_search', 11.0), ('paid_social', 8.5), ('referral', 4.0), ('email', 0.8)
    ) as c (channel, cost_per_signup)
    left join gen_users as u on u.signup_date = d.day and u.acquisition_channel = c.channel
    group by all
)

select
    day as spend_date,
    channel,
    round(
        greatest(0, (signups + 2) * cost_per_signup * (1 + 0.15 * norm2('spend', day_index, channel))), 2
    )::decimal(12, 2) as spend,
    floor((signups + 2) * 900 * (1 + 0.2 * rnd2('impressions', day_index, channel)))::bigint as impressions,
    floor((signups + 2) * 40 * (1 + 0.2 * rnd2('clicks', day_index, channel)))::bigint as clicks
from channel_days;
