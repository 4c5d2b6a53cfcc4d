"""Home: what the database holds and where to go next."""

import streamlit as st

st.title("collabplan")
st.write("Upload your team's assessment results to begin.")
