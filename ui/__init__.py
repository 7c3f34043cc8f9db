"""The Streamlit pages of locwork's app (a thin layer over ``locwork``)."""
