-- Opinion leaders who have not bought yet: people others follow, worth a first offer.
SELECT user_id,
       followers,
       round(influence_percentile * 100, 1) AS influence_percentile,
       community_id,
       community_customers,
       community_avg_spend_90d AS community_avg_spend_90d_usd
FROM social_features
WHERE opinion_leader AND NOT is_customer
ORDER BY influence DESC
