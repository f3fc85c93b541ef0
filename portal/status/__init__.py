"""进度查询: applicants' status pages, family access, answering 补正, the family look-up."""
