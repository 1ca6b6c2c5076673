-- Champions whose churn probability rose over the last 7 nights, most risen first.
WITH nights AS (SELECT max(as_of) AS latest FROM customer_features_history),
week_ago AS (SELECT min(as_of) AS night FROM customer_features_history, nights
             WHERE as_of >= date_sub(latest, 7))
SELECT now.customer_id,
       round(before.churn_probability * 100, 1) AS churn_pct_then,
       round(now.churn_probability * 100, 1)    AS churn_pct_now,
       round(now.clv, 0)                        AS clv_usd
FROM customer_features now
JOIN customer_features_history before
  ON before.customer_id = now.customer_id AND before.as_of = (SELECT night FROM week_ago)
WHERE now.rfm_segment = 'champions' AND now.churn_probability > before.churn_probability
ORDER BY now.churn_probability - before.churn_probability DESC
