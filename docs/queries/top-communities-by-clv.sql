-- Communities ranked by the lifetime value of their customers.
SELECT community_id,
       count(*)                      AS customers,
       round(sum(clv), 0)            AS clv_usd,
       round(avg(clv), 0)            AS clv_per_customer_usd,
       round(avg(churn_probability) * 100, 1) AS churn_pct
FROM customer_features
WHERE community_id IS NOT NULL
GROUP BY community_id
ORDER BY clv_usd DESC
LIMIT 20
